package dev.signalgate.bench;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * One simulated user's socket: the last handler of its Netty pipeline. It becomes {@link #ready} once the server's
 * opening exchange is done (gateway {@code welcome}; Socket.IO open and connect packets), then hands every text
 * frame to the current phase's {@link Protocol.Events}.
 */
final class Client extends SimpleChannelInboundHandler<WebSocketFrame> {

    private static final AtomicLong ACK_IDS = new AtomicLong();
    /** Connections the server closed (or lost) while the driver still wanted them. */
    static final AtomicLong UNEXPECTED_CLOSES = new AtomicLong();
    /** Error frames received. */
    static final AtomicLong ERRORS = new AtomicLong();
    private static final Protocol.Events IGNORE = new Protocol.Events() {
    };

    final int index;
    final String userId;
    final String token;
    final Protocol protocol;
    final CompletableFuture<Client> ready = new CompletableFuture<>();
    private final Map<Long, CompletableFuture<Void>> pendingAcks = new ConcurrentHashMap<>(2);
    private volatile Protocol.Events events = IGNORE;
    private volatile Channel channel;
    private volatile boolean closing;
    private boolean open;

    /** Free for the phase that drives this client: touched only on the client's event loop. */
    long sent;
    long outstanding;

    Client(int index, String userId, String token, Protocol protocol) {
        this.index = index;
        this.userId = userId;
        this.token = token;
        this.protocol = protocol;
    }

    void listen(Protocol.Events events) {
        this.events = events;
    }

    Channel channel() {
        return channel;
    }

    void send(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text), channel.voidPromise());
    }

    /** Sends without flushing; the caller flushes after a burst. */
    void write(String text) {
        channel.write(new TextWebSocketFrame(text), channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    /** Sends the frame {@code build} makes with a fresh ack id; completes when the server acknowledges it. */
    CompletableFuture<Void> request(java.util.function.LongFunction<String> build) {
        long id = ACK_IDS.incrementAndGet();
        CompletableFuture<Void> acked = new CompletableFuture<>();
        pendingAcks.put(id, acked);
        send(build.apply(id));
        return acked;
    }

    void acked(long ackId) {
        CompletableFuture<Void> waiting = pendingAcks.remove(ackId);
        if (waiting != null) {
            waiting.complete(null);
        }
    }

    void fail(String reason) {
        ready.completeExceptionally(new IllegalStateException(reason));
        if (channel != null) {
            channel.close();
        }
    }

    boolean isOpen() {
        Channel current = channel;
        return current != null && current.isActive();
    }

    void close() {
        closing = true;
        Channel current = channel;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        channel = ctx.channel();
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            fail("websocket handshake timed out");
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (!(frame instanceof TextWebSocketFrame textFrame)) {
            return;
        }
        String text = textFrame.text();
        if (open) {
            protocol.dispatch(this, text, events);
        } else if (protocol.opening(this, text)) {
            open = true;
            ready.complete(this);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (open && !closing) {
            UNEXPECTED_CLOSES.incrementAndGet();
        }
        ready.completeExceptionally(new IllegalStateException("connection closed before it was ready"));
        IllegalStateException closed = new IllegalStateException("connection closed");
        pendingAcks.values().forEach(waiting -> waiting.completeExceptionally(closed));
        pendingAcks.clear();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ready.completeExceptionally(cause);
        ctx.close();
    }
}
