package dev.signalgate.gateway.connection;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.protocol.CloseCode;
import reactor.core.publisher.Flux;

/**
 * On shutdown (SIGTERM): refuse new upgrades, let in-flight message writes settle (so their confirmations go out),
 * close every connection with 1001 after it drains what is queued for it, and wait for them to go, all within
 * the grace period. Clients reconnect, to another node if there is one, and resume with {@code since}.
 *
 * <p>Runs in the highest lifecycle phase, so before the web server's own graceful shutdown, which would
 * otherwise wait on open WebSockets until its timeout.
 */
public final class GracefulShutdown implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final Duration POLL = Duration.ofMillis(20);

    private final HandshakeFilter handshakeFilter;
    private final ConnectionRegistry registry;
    private final MessageWriter writer;
    private final Duration grace;
    private volatile boolean running;

    public GracefulShutdown(HandshakeFilter handshakeFilter, ConnectionRegistry registry, MessageWriter writer,
            Duration grace) {
        this.handshakeFilter = handshakeFilter;
        this.registry = registry;
        this.writer = writer;
        this.grace = grace;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        throw new UnsupportedOperationException("stopped asynchronously");
    }

    @Override
    public void stop(Runnable callback) {
        running = false;
        handshakeFilter.stopAccepting();
        long deadline = System.nanoTime() + grace.toNanos();
        log.info("shutting down: {} pending message writes, {} connections", writer.pendingCount(),
                registry.connectionCount());
        writer.drain(grace)
                .thenMany(Flux.defer(() -> {
                    registry.all().forEach(connection -> connection.close(CloseCode.GOING_AWAY));
                    Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                    return Flux.interval(POLL).takeUntil(tick -> registry.connectionCount() == 0).take(left);
                }))
                .doFinally(signal -> {
                    log.info("shutdown: {} connections still open after draining", registry.connectionCount());
                    callback.run();
                })
                .subscribe();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE;
    }
}
