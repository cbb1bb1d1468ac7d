package dev.signalgate.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.IntFunction;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;

/**
 * Opens many WebSockets from one process with plain Netty (epoll when available): a few KiB per socket, so that
 * tens of thousands fit. Past {@link #PER_SOURCE_ADDRESS} sockets it binds new ones to further loopback source
 * addresses (127.0.0.2, 127.0.0.3, …), since one source address has only about 28,000 ephemeral ports toward one
 * server port.
 */
final class Connector implements AutoCloseable {

    static final int PER_SOURCE_ADDRESS = 25_000;

    private final EventLoopGroup group;
    private final Bootstrap base;
    private final boolean epoll;
    private final String host;
    private final int port;

    Connector(String host, int port, int threads) {
        this.host = host;
        this.port = port;
        this.epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(threads,
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.base = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 15_000);
        if (epoll) {
            // Lets many sockets bound to one source address share ports toward different destinations.
            base.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
    }

    String transport() {
        return epoll ? "epoll" : "nio";
    }

    /** Connects one client; the future completes when the server's opening exchange is done. */
    CompletableFuture<Client> connect(Client client) {
        WebSocketClientProtocolConfig config = WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(client.protocol.uri(host, port))
                .version(WebSocketVersion.V13)
                .customHeaders(client.protocol.handshakeHeaders(client.token))
                .maxFramePayloadLength(1 << 20)
                .handshakeTimeoutMillis(30_000)
                .generateOriginHeader(false)
                .withUTF8Validator(false)
                .dropPongFrames(true)
                .build();
        Bootstrap bootstrap = base.clone().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel channel) {
                channel.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                        new WebSocketClientProtocolHandler(config), new WebSocketFrameAggregator(1 << 20), client);
            }
        });
        InetSocketAddress remote = new InetSocketAddress(host, port);
        ChannelFuture connecting = client.index < PER_SOURCE_ADDRESS
                ? bootstrap.connect(remote)
                : bootstrap.connect(remote, new InetSocketAddress(sourceAddress(client.index), 0));
        connecting.addListener(done -> {
            if (!done.isSuccess()) {
                client.ready.completeExceptionally(done.cause());
            }
        });
        return client.ready;
    }

    private static InetAddress sourceAddress(int index) {
        int n = 1 + index / PER_SOURCE_ADDRESS;
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) n});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Makes {@code count} clients and runs {@code open} (connect, join, …) on each, at most {@code concurrency} at a
     * time, within {@code timeout}. Answers those that made it; failures are counted in {@code failures}.
     */
    List<Client> openAll(int from, int count, int concurrency, Duration timeout, IntFunction<Client> make,
            Function<Client, CompletableFuture<Client>> open, AtomicInteger failures) {
        Client[] opened = new Client[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        CompletableFuture<Void> all = new CompletableFuture<>();
        Runnable[] startNext = new Runnable[1];
        startNext[0] = () -> {
            int i = next.getAndIncrement();
            if (i >= count) {
                return;
            }
            Client client = make.apply(from + i);
            CompletableFuture<Client> step;
            try {
                step = open.apply(client);
            } catch (RuntimeException e) {
                step = CompletableFuture.failedFuture(e);
            }
            step.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((ok, failure) -> {
                if (failure == null) {
                    opened[i] = ok;
                } else {
                    if (failures.incrementAndGet() <= 3) {
                        System.err.println("  connection " + (from + i) + " failed: " + rootMessage(failure));
                    }
                    client.close();
                }
                if (finished.incrementAndGet() == count) {
                    all.complete(null);
                } else {
                    startNext[0].run();
                }
            });
        };
        if (count == 0) {
            return List.of();
        }
        for (int i = 0; i < Math.min(concurrency, count); i++) {
            startNext[0].run();
        }
        try {
            all.get(timeout.toMillis() + 60_000, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            System.err.println("  opening connections did not finish: " + rootMessage(e));
        }
        List<Client> result = new ArrayList<>(count);
        for (Client client : opened) {
            if (client != null) {
                result.add(client);
            }
        }
        return result;
    }

    static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    /** Closes the clients and waits (bounded) until their sockets are gone. */
    static void closeAll(List<Client> clients) {
        for (Client client : clients) {
            client.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (Client client : clients) {
            Channel channel = client.channel();
            if (channel == null) {
                continue;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            channel.closeFuture().awaitUninterruptibly(TimeUnit.NANOSECONDS.toMillis(left));
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10_000);
    }
}
