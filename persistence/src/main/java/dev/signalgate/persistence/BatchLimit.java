package dev.signalgate.persistence;

import java.time.Duration;

/**
 * How many messages {@link MessageWriter} hands the store in one write, adapted from how the last writes went
 * (additive increase, multiplicative decrease, as TCP's congestion window):
 * <ul>
 * <li>a failed write drops the limit to the floor: the first writes after an outage are small probes, so a store
 *     that is still struggling fails (or times out) a few messages, not a full batch;</li>
 * <li>a write slower than the target halves it: a smaller write finishes sooner, so fewer of its messages run
 *     into their deadline, and the messages queued behind it wait less;</li>
 * <li>any other write (within the target) raises it by one step, back up to {@code max}: a healthy store gets
 *     its big batches back within a few dozen writes. Any write, not only a full one, because after an outage the
 *     traffic is often too light to fill a write, and a limit left at the floor would chop the next burst into
 *     small writes for no reason.</li>
 * </ul>
 * Why the latency is the signal: a stalled or overloaded store shows up as slow writes long before writes fail.
 * The target sits far above a healthy write (a batch of 256 takes a few milliseconds to a few tens), so steady
 * load at capacity keeps full batches, which are the cheapest per message.
 *
 * <p>Updated by the writer's single pipeline, read by metrics from any thread.
 */
final class BatchLimit {

    private final int min;
    private final int max;
    private final long targetNanos;
    private volatile int current;

    BatchLimit(int min, int max, Duration target) {
        this.min = Math.min(min, max);
        this.max = max;
        this.targetNanos = target.toNanos();
        this.current = max;
    }

    int current() {
        return current;
    }

    /** A write of {@code size} messages succeeded in {@code tookNanos}. */
    void written(int size, long tookNanos) {
        int limit = current;
        if (tookNanos > targetNanos) {
            current = Math.max(min, limit / 2);
        } else if (limit < max) {
            current = Math.min(max, limit + min);
        }
    }

    /** A write failed (driver error or timeout). */
    void failed() {
        current = min;
    }
}
