package dev.signalgate.gateway.connection;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.protocol.CloseCode;
import reactor.core.Disposable;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The deadlines of every connection of this node, kept by one periodic task instead of timers per connection:
 * the first-frame deadline (4000), token expiry (1008, see {@link TokenExpiry}), and for WebSockets a ping every
 * ping interval and the ping timeout (4000 when the client sent nothing at all, pong included, within the timeout
 * of a ping).
 *
 * <p>Why one task: three scheduled timers per idle connection (each a scheduled future, a delay operator and its
 * subscriber) were about a kilobyte of heap per connection, and a periodic ping flux merged into the outbound
 * stream cost that stream its fused, queue-free path. The sweep reads each connection's few deadline fields, so
 * an idle connection costs a few longs. The price is resolution: a deadline is acted on at the first sweep at or
 * after it, at most one tick late. The tick is a tenth of the shortest deadline, between 10 ms and 250 ms
 * ({@link #tickFor}), so a 20 s ping timeout closes within 20.25 s.
 *
 * <p>Pings are written straight to the socket's Netty channel (as the close frames of {@link SocketCloser} are),
 * which queues them on the channel's event loop: the sweep never blocks an event loop and never waits for one.
 * A connection the gateway has closed, or whose outbox has completed, gets no more pings and no more deadlines.
 */
public final class ConnectionSweep implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ConnectionSweep.class);
    private static final long MIN_TICK_NANOS = Duration.ofMillis(10).toNanos();
    private static final long MAX_TICK_NANOS = Duration.ofMillis(250).toNanos();

    private final ConnectionRegistry registry;
    private final TokenExpiry tokenExpiry;
    private final long pingIntervalNanos;
    private final long pingTimeoutNanos;
    private final Scheduler scheduler;
    private final Disposable task;

    /**
     * Starts sweeping every {@code tick}.
     *
     * @param pingInterval how often a WebSocket connection is pinged
     * @param pingTimeout how long a ping may stay unanswered by any frame
     */
    public ConnectionSweep(ConnectionRegistry registry, TokenExpiry tokenExpiry, Duration pingInterval,
            Duration pingTimeout, Duration tick) {
        if (pingInterval.isNegative() || pingInterval.isZero() || tick.isNegative() || tick.isZero()) {
            throw new IllegalArgumentException("need a positive ping interval and tick, got " + pingInterval
                    + " and " + tick);
        }
        this.registry = registry;
        this.tokenExpiry = tokenExpiry;
        this.pingIntervalNanos = pingInterval.toNanos();
        this.pingTimeoutNanos = pingTimeout.toNanos();
        this.scheduler = Schedulers.newSingle("connection-sweep", true);
        long nanos = tick.toNanos();
        this.task = scheduler.schedulePeriodically(this::sweep, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    /** A tenth of the shortest of {@code deadlines}, at least 10 ms and at most 250 ms. */
    public static Duration tickFor(Duration... deadlines) {
        long shortest = Long.MAX_VALUE;
        for (Duration deadline : deadlines) {
            shortest = Math.min(shortest, deadline.toNanos());
        }
        return Duration.ofNanos(Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, shortest / 10)));
    }

    /** One pass over every open connection; public for tests, which may drive it at chosen instants. */
    public void sweep() {
        long now = System.nanoTime();
        long wallMillis = tokenExpiry.millis();
        registry.forEach(connection -> {
            try {
                check(connection, now, wallMillis);
            } catch (RuntimeException e) {
                log.error("connection sweep failed: connection={}", connection.id(), e);
            }
        });
    }

    void check(Connection connection, long now, long wallMillis) {
        if (connection.closeCode() != null) {
            return;
        }
        long firstFrame = connection.firstFrameDeadline();
        if (firstFrame != Connection.NO_DEADLINE && now - firstFrame >= 0) {
            connection.firstFrameDeadline(Connection.NO_DEADLINE);
            if (!connection.hasSentFrames()) {
                connection.close(CloseCode.TIMEOUT);
                return;
            }
        }
        if (tokenExpiry.expired(connection, wallMillis)) {
            connection.close(CloseCode.POLICY_VIOLATION);
            return;
        }
        Channel socket = connection.socket();
        if (socket == null || connection.outbox().isClosed()) {
            return;
        }
        long pending = connection.unansweredPing();
        boolean answered = pending == Connection.NO_DEADLINE || connection.lastInboundNanos() - pending >= 0;
        if (!answered && now - pending >= pingTimeoutNanos) {
            log.info("no answer to ping: connection={} user={}", connection.id(), connection.userId());
            connection.close(CloseCode.TIMEOUT);
            return;
        }
        long due = connection.nextPing();
        if (now - due >= 0) {
            if (answered) {
                // The oldest ping not yet answered decides the timeout: later ones only matter once it is.
                connection.unansweredPing(Connection.deadline(now));
            }
            // Fixed rate like an interval; after a stall (a paused JVM), one ping and back on schedule.
            long next = due + pingIntervalNanos;
            connection.nextPing(now - next >= 0 ? now + pingIntervalNanos : next);
            socket.writeAndFlush(new PingWebSocketFrame());
        }
    }

    @Override
    public void close() {
        task.dispose();
        scheduler.dispose();
    }
}
