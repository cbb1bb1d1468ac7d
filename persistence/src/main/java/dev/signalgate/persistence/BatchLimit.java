package dev.signalgate.persistence;

/**
 * How many messages {@link MessageWriter} hands the store in one write, adapted from how the last writes went,
 * like TCP's slow start after a loss:
 * <ul>
 * <li>a failed write (driver error or timeout) drops the limit to the floor: the first writes after an outage
 *     are small probes, so a store that is still struggling fails (or times out) a few messages, not a full
 *     batch;</li>
 * <li>every successful write doubles it, back up to {@code max}: a healthy store has its full batches back
 *     within a handful of writes (16, 32, 64, 128, 256).</li>
 * </ul>
 * Why not also shrink on slow writes (AIMD on latency): measured here, it collapses under CPU contention. A
 * starved store makes every write slow whatever its size, halving the limit down to the floor then cuts the
 * throughput by the batch size (a 2-core box at 4,000 offered msg/s went from ~2,000 to 182 confirmed/s,
 * shedding the rest), and the backlog it leaves is exactly what the queue-age bound sheds. Full batches are the
 * cheapest per message, so the writer keeps them whenever the store answers at all.
 *
 * <p>Updated by the writer's single pipeline, read by metrics from any thread.
 */
final class BatchLimit {

    private final int min;
    private final int max;
    private volatile int current;

    BatchLimit(int min, int max) {
        this.min = Math.min(min, max);
        this.max = max;
        this.current = max;
    }

    int current() {
        return current;
    }

    /** A write succeeded. */
    void written() {
        int limit = current;
        if (limit < max) {
            current = (int) Math.min(max, 2L * limit);
        }
    }

    /** A write failed (driver error or timeout). */
    void failed() {
        current = min;
    }
}
