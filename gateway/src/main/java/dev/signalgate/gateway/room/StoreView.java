package dev.signalgate.gateway.room;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;

/**
 * What a join ack reports of a room's store, its last seq and its members' read marks, kept by the room while it
 * has members on this node, so that a burst of joins (every client of a restarted node at once) reads the store
 * once per room instead of twice per join.
 *
 * <p>Read from the store once, then kept current by the room's own deliveries: every stored message reaches its
 * room as a sequenced delivery and every read mark as a {@code chat:seen}, published on this node or received
 * from another one through the cluster broker, which a join waits for before it reads this view. Both values only
 * grow, so the view merges by maximum: a store read racing a delivery can never move it back, and the view can
 * be behind the store but never ahead of it. A view behind costs a client no message: it resumes from a lower seq
 * and drops what it already has.
 *
 * <p>Trusted for at most {@code maxAge} after a store read, and not at all after {@link #forget} (the cluster lost
 * Redis, so deliveries from other nodes may have been missed): a delivery that never reached this node, such as a
 * message another node stored while it could not reach Redis, is reflected within {@code maxAge} at the latest.
 */
public final class StoreView {

    /** The store state a join ack reports. */
    public record Snapshot(long lastSeq, Map<String, Long> readMarks) {
    }

    private long lastSeq;
    private final Map<String, Long> readMarks = new HashMap<>();
    private boolean current;
    private long readAtNanos;
    private int generation;
    private Mono<Snapshot> reading;

    synchronized void sawStored(long seq) {
        lastSeq = Math.max(lastSeq, seq);
    }

    synchronized void sawReadMark(String userId, long seq) {
        readMarks.merge(userId, seq, Math::max);
    }

    /** Stops trusting the view until the next store read. */
    public synchronized void forget() {
        current = false;
        generation++;
    }

    /**
     * The view, read from the store by {@code read} first when it is not current or older than {@code maxAge}.
     * Joins that arrive while a read is under way share it. {@code read} should bound itself in time: the joins
     * sharing it wait for it.
     */
    public Mono<Snapshot> snapshot(Supplier<Mono<Snapshot>> read, Duration maxAge) {
        return Mono.defer(() -> {
            synchronized (this) {
                if (current && System.nanoTime() - readAtNanos < maxAge.toNanos()) {
                    return Mono.just(copy());
                }
                if (reading == null) {
                    long startedAt = System.nanoTime();
                    int startedIn = generation;
                    Mono<Snapshot> started = Mono.defer(read)
                            .map(stored -> merge(stored, startedAt, startedIn))
                            .doFinally(signal -> readFinished())
                            .cache();
                    reading = started;
                    return started;
                }
                return reading;
            }
        });
    }

    private synchronized Snapshot merge(Snapshot stored, long startedAt, int startedIn) {
        lastSeq = Math.max(lastSeq, stored.lastSeq());
        stored.readMarks().forEach((user, seq) -> readMarks.merge(user, seq, Math::max));
        if (startedIn == generation) {
            // Dated from the read's start: anything stored before then is in it, later deliveries were watched.
            current = true;
            readAtNanos = startedAt;
        }
        return copy();
    }

    private synchronized void readFinished() {
        reading = null;
    }

    private Snapshot copy() {
        return new Snapshot(lastSeq, Map.copyOf(readMarks));
    }
}
