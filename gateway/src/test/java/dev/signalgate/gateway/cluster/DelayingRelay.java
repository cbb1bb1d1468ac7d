package dev.signalgate.gateway.cluster;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay in front of Redis that holds back a node's {@code SUBSCRIBE} (or {@code SSUBSCRIBE}) commands:
 * everything a connection sends from the first such command on reaches Redis {@code delay} later, in order, so
 * the node is subscribed that much later than it asked. That is the fault under test: a node that acknowledged a
 * join before Redis confirmed the subscription would lose what another node publishes meanwhile. Everything else
 * passes at once, both ways.
 */
final class DelayingRelay implements AutoCloseable {

    private final ServerSocket server;
    private final int redisPort;
    private final Duration delay;
    private final AtomicInteger delayedSubscribes = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean delaying;

    DelayingRelay(int redisPort, Duration delay) {
        this.redisPort = redisPort;
        this.delay = delay;
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "relay-accept-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    String url() {
        return "redis://127.0.0.1:" + server.getLocalPort();
    }

    /** From now on, subscriptions are held back by the delay. */
    void delaySubscribes() {
        delaying = true;
    }

    /** Subscribe commands held back so far: proof that the window was opened. */
    int delayedSubscribes() {
        return delayedSubscribes.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket node = server.accept();
                Socket redis = new Socket(InetAddress.getLoopbackAddress(), redisPort);
                sockets.add(node);
                sockets.add(redis);
                pump(node, redis, true);
                pump(redis, node, false);
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean towardsRedis) {
        Thread pump = new Thread(() -> {
            long holdUntil = 0;
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    if (towardsRedis && delaying && isSubscribe(buffer, read)) {
                        holdUntil = Math.max(holdUntil, System.nanoTime() + delay.toNanos());
                        delayedSubscribes.incrementAndGet();
                    }
                    long wait = holdUntil - System.nanoTime();
                    if (wait > 0) {
                        // The injected fault: this connection's commands reach Redis late.
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException | InterruptedException closed) {
                // Either side went away: so does the other.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-" + (towardsRedis ? "to-redis" : "to-node"));
        pump.setDaemon(true);
        pump.start();
    }

    private static boolean isSubscribe(byte[] buffer, int length) {
        String text = new String(buffer, 0, length, StandardCharsets.ISO_8859_1).toUpperCase(Locale.ROOT);
        return text.contains("SUBSCRIBE") && !text.contains("UNSUBSCRIBE");
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }
}
