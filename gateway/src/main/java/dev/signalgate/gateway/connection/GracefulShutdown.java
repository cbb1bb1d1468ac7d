package dev.signalgate.gateway.connection;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;

import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.protocol.CloseCode;
import reactor.core.publisher.Flux;

/**
 * On shutdown (SIGTERM): refuse new upgrades, let in-flight message writes settle (so their confirmations go out),
 * close every connection with 1001 after it drains what is queued for it, and wait for them to go, all within
 * the grace period. Clients reconnect, to another node if there is one, and resume with {@code since}.
 *
 * <p>It runs on the context-closed event, which comes before any bean is stopped and so before the web server's
 * own graceful shutdown (which would otherwise wait on open WebSockets until its timeout). It is not a
 * {@code Lifecycle} on purpose: a paused context (Spring's test context cache pauses idle ones) stops and starts
 * lifecycle beans, and must come back serving. Waiting here blocks the thread closing the context, never an
 * event loop.
 */
public final class GracefulShutdown implements ApplicationListener<ContextClosedEvent> {

    private static final Logger log = LoggerFactory.getLogger(GracefulShutdown.class);
    private static final Duration POLL = Duration.ofMillis(20);

    private final HandshakeFilter handshakeFilter;
    private final ConnectionRegistry registry;
    private final MessageWriter writer;
    private final Duration grace;

    public GracefulShutdown(HandshakeFilter handshakeFilter, ConnectionRegistry registry, MessageWriter writer,
            Duration grace) {
        this.handshakeFilter = handshakeFilter;
        this.registry = registry;
        this.writer = writer;
        this.grace = grace;
    }

    @Override
    public void onApplicationEvent(ContextClosedEvent event) {
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
                .blockLast(grace.plusSeconds(1));
        log.info("shutdown: {} connections still open after draining", registry.connectionCount());
    }
}
