package dev.signalgate.gateway.connection;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.protocol.CloseCode;

/**
 * One WebSocket connection of one user: who it is, what it joined, and its {@link Outbox}.
 *
 * <p>Everything here is safe to call from any thread. Sending never blocks: a frame goes into the outbox, and an
 * outbox that overflows closes this connection with {@link CloseCode#SLOW_CONSUMER}.
 */
public final class Connection {

    /** The {@link #transport()} of a connection served over a WebSocket, the default. */
    public static final String WEBSOCKET = "websocket";

    /** A deadline field with no deadline in it (0 in {@link System#nanoTime()} terms is taken as "none"). */
    static final long NO_DEADLINE = 0;

    /** {@code nanos} as a deadline: an instant that happens to be 0 is moved by a nanosecond off "none". */
    static long deadline(long nanos) {
        return nanos == NO_DEADLINE ? 1 : nanos;
    }

    private final String id;
    private volatile UserPrincipal principal;
    private final Outbox outbox;
    private final BiConsumer<Connection, CloseCode> closer;
    private final ConnectionEvents events;
    private final Set<String> rooms = ConcurrentHashMap.newKeySet();
    private final Set<String> calls = ConcurrentHashMap.newKeySet();
    private volatile CloseCode closeCode;
    private volatile long lastInboundNanos = System.nanoTime();
    private volatile boolean sentFrames;
    private RateLimiter rateLimiter;
    private volatile LongSupplier unsentBytes = () -> 0;
    private volatile long maxUnsentBytes = Long.MAX_VALUE;
    // Deadlines, kept by the ConnectionSweep (one task for every connection) instead of timers of their own.
    private volatile long firstFrameDeadline = NO_DEADLINE;
    private volatile long expiryDeadlineMillis = Long.MAX_VALUE;
    private @Nullable Channel socket;
    private long nextPing;
    private long unansweredPing = NO_DEADLINE;
    private volatile String transport = WEBSOCKET;

    /**
     * @param closer closes the socket with a code; called at most once per connection
     * @param events told of every frame queued or dropped
     */
    public Connection(String id, UserPrincipal principal, Outbox outbox, BiConsumer<Connection, CloseCode> closer,
            ConnectionEvents events) {
        this.id = id;
        this.principal = principal;
        this.outbox = outbox;
        this.closer = closer;
        this.events = events;
    }

    public String id() {
        return id;
    }

    public UserPrincipal principal() {
        return principal;
    }

    public String userId() {
        return principal.userId();
    }

    /** Replaces the principal after a token refresh; the user id never changes within a connection. */
    public void refreshPrincipal(UserPrincipal refreshed) {
        if (!refreshed.userId().equals(principal.userId())) {
            throw new IllegalArgumentException("a refreshed token must keep the same sub");
        }
        this.principal = refreshed;
    }

    public Outbox outbox() {
        return outbox;
    }

    /** Chat rooms this connection joined. */
    public Set<String> rooms() {
        return rooms;
    }

    /** Calls this connection joined. */
    public Set<String> calls() {
        return calls;
    }

    /**
     * Bounds the bytes the socket holds below the outbox: past {@code max}, the connection counts as a slow
     * consumer just as when its queue overflows.
     */
    public void boundUnsentBytes(LongSupplier unsent, long max) {
        this.unsentBytes = unsent;
        this.maxUnsentBytes = max;
    }

    /** Queues a frame for this connection; closes it with 4008 if its queue or its socket is backed up too far. */
    public Outbox.Offer send(Frame frame) {
        if (unsentBytes.getAsLong() > maxUnsentBytes && !outbox.isClosed()) {
            events.frameDropped(this, frame, "overflow");
            close(CloseCode.SLOW_CONSUMER);
            return Outbox.Offer.OVERFLOW;
        }
        Outbox.Offer result = outbox.offer(frame);
        switch (result) {
            case QUEUED -> events.frameQueued(this, frame);
            case DROPPED_EPHEMERAL -> events.frameDropped(this, frame, "ephemeral");
            case OVERFLOW -> {
                events.frameDropped(this, frame, "overflow");
                close(CloseCode.SLOW_CONSUMER);
            }
            case CLOSED -> {
                // The connection is going away; nothing left to tell.
            }
        }
        return result;
    }

    /** Notes that the client sent something (any frame, pongs included): it is alive. */
    public void touch() {
        lastInboundNanos = System.nanoTime();
    }

    /** Notes that the client sent a data frame (not just a pong): it passed the first-frame deadline. */
    public void markSentFrames() {
        sentFrames = true;
    }

    public boolean hasSentFrames() {
        return sentFrames;
    }

    /** When the client last sent anything, in {@link System#nanoTime()} terms. */
    public long lastInboundNanos() {
        return lastInboundNanos;
    }

    /** The inbound rate limiter, set once when the connection opens. */
    public RateLimiter rateLimiter() {
        return rateLimiter;
    }

    public void rateLimiter(RateLimiter limiter) {
        this.rateLimiter = limiter;
    }

    /** When the client must have sent its first data frame, in {@link System#nanoTime()} terms, or none. */
    long firstFrameDeadline() {
        return firstFrameDeadline;
    }

    void firstFrameDeadline(long nanos) {
        firstFrameDeadline = nanos;
    }

    /**
     * When the token expires, skew included, in epoch milliseconds of the gateway's clock; set by
     * {@link TokenExpiry}.
     */
    long expiryDeadlineMillis() {
        return expiryDeadlineMillis;
    }

    void expiryDeadlineMillis(long millis) {
        expiryDeadlineMillis = millis;
    }

    /**
     * Makes this a pinged connection over {@code socket}; set once, before the connection is registered. The
     * ping fields are then only touched by the {@link ConnectionSweep}'s thread.
     */
    void pingOver(Channel socket, long firstPingAt) {
        this.socket = socket;
        this.nextPing = firstPingAt;
    }

    @Nullable Channel socket() {
        return socket;
    }

    long nextPing() {
        return nextPing;
    }

    void nextPing(long nanos) {
        nextPing = nanos;
    }

    /** When the oldest ping not answered by any frame was sent, or {@link #NO_DEADLINE}. */
    long unansweredPing() {
        return unansweredPing;
    }

    void unansweredPing(long nanos) {
        unansweredPing = nanos;
    }

    /** Called once the connection has ended; its deadlines end with its registration. */
    public void released() {
        firstFrameDeadline = NO_DEADLINE;
        expiryDeadlineMillis = Long.MAX_VALUE;
    }

    /** Closes the connection with {@code code}; later calls do nothing. */
    public void close(CloseCode code) {
        synchronized (this) {
            if (closeCode != null) {
                return;
            }
            closeCode = code;
        }
        closer.accept(this, code);
    }

    /** The code the gateway closed this connection with, or null while open or when the client closed it. */
    public CloseCode closeCode() {
        return closeCode;
    }

    /** What carries this connection's frames ({@link #WEBSOCKET}, or another transport's name), for metrics. */
    public String transport() {
        return transport;
    }

    /** Names the transport; set once, before the connection is registered. */
    public void transport(String name) {
        this.transport = name;
    }

    @Override
    public String toString() {
        return "Connection[" + id + ", user=" + principal.userId() + "]";
    }
}
