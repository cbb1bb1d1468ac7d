package dev.signalgate.gateway.connection;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * A connection's bounded outbound queue: the one place where a slow client's backlog lives, so that a slow or
 * stuck member never holds up anyone else.
 *
 * <p>Any thread may {@link #offer} at any time (room fan-outs run on whichever event loop published). The queue is
 * a multi-producer single-consumer queue drained by one long-lived {@link Flux} that the socket's
 * {@code send} subscribes to once; the unsafe unicast sink is safe here precisely because its queue is MPSC and
 * its drain loop is guarded by a work-in-progress counter, and it spares every offer the serialization check
 * that a safe sink would fail with {@code FAIL_NON_SERIALIZED} under contention.
 *
 * <p>Bounds, counted in frames handed over but not yet taken by the socket: above {@code ephemeralThreshold},
 * ephemeral frames are dropped (the next typing frame supersedes them); at {@code capacity}, an essential frame
 * cannot be queued, the outbox stops accepting and reports overflow so the connection is closed with 4008
 * (slow consumer): chat, confirmations and WebRTC signals are never dropped silently, the client reconnects and
 * resumes with {@code since}. The socket itself pulls only while Netty's channel is writable, so memory per
 * connection is bounded by {@code capacity} frames plus the socket's own prefetch and write buffer.
 */
public final class Outbox {

    /** What an {@link #offer} did with a frame. */
    public enum Offer {
        QUEUED, DROPPED_EPHEMERAL, OVERFLOW, CLOSED
    }

    private final Queue<Frame> queue = Queues.<Frame>unboundedMultiproducer().get();
    private final Sinks.Many<Frame> sink = Sinks.unsafe().many().unicast().onBackpressureBuffer(queue);
    private final AtomicInteger queued = new AtomicInteger();
    private final int capacity;
    private final int ephemeralThreshold;
    private final AtomicReference<Sinks.Empty<Void>> drainWaiter = new AtomicReference<>();
    private volatile int lowWater = -1;
    private final Sinks.Empty<Void> completion = Sinks.empty();
    private volatile boolean closed;

    public Outbox(int capacity, int ephemeralThreshold) {
        if (capacity < 1 || ephemeralThreshold < 0 || ephemeralThreshold > capacity) {
            throw new IllegalArgumentException("need 0 <= ephemeralThreshold <= capacity and capacity >= 1");
        }
        this.capacity = capacity;
        this.ephemeralThreshold = ephemeralThreshold;
    }

    /** Queues a frame unless the bounds above say otherwise. Never blocks. */
    public Offer offer(Frame frame) {
        if (closed) {
            return Offer.CLOSED;
        }
        int size = queued.incrementAndGet();
        if (frame.ephemeral() && size > ephemeralThreshold) {
            queued.decrementAndGet();
            return Offer.DROPPED_EPHEMERAL;
        }
        if (size > capacity) {
            queued.decrementAndGet();
            closed = true;
            return Offer.OVERFLOW;
        }
        if (sink.tryEmitNext(frame).isFailure()) {
            queued.decrementAndGet();
            return Offer.CLOSED;
        }
        return Offer.QUEUED;
    }

    /**
     * The frames to write, for the socket's single {@code send}. Each frame counts as no longer queued once the
     * socket has taken it.
     */
    public Flux<Frame> frames() {
        return sink.asFlux().doOnNext(frame -> {
            if (queued.decrementAndGet() <= lowWater) {
                wakeDrainWaiter();
            }
        });
    }

    /**
     * Completes once at most {@code level} frames are queued, or the outbox closed: lets a producer of a long
     * stream for this one connection (a resume replay) go at the socket's pace instead of overflowing it. One
     * waiter at a time.
     */
    public Mono<Void> awaitBelow(int level) {
        if (queued.get() <= level || closed) {
            return Mono.empty();
        }
        Sinks.Empty<Void> waiter = Sinks.empty();
        drainWaiter.set(waiter);
        lowWater = level;
        if (queued.get() <= level || closed) {
            wakeDrainWaiter();
        }
        return waiter.asMono();
    }

    private void wakeDrainWaiter() {
        Sinks.Empty<Void> waiter = drainWaiter.getAndSet(null);
        if (waiter != null) {
            lowWater = -1;
            waiter.tryEmitEmpty();
        }
    }

    /** Stops accepting frames; those already queued are still written, then {@link #frames()} completes. */
    public void complete() {
        closed = true;
        sink.tryEmitComplete();
        completion.tryEmitEmpty();
        wakeDrainWaiter();
    }

    /** Completes when the outbox stops accepting frames. */
    public Mono<Void> completion() {
        return completion.asMono();
    }

    /** Frames queued and not yet taken by the socket. */
    public int size() {
        return queued.get();
    }

    public boolean isClosed() {
        return closed;
    }
}
