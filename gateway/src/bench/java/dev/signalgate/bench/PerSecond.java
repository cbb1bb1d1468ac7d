package dev.signalgate.bench;

/**
 * Latency samples filed by the second, since a start, in which the message was sent: one {@link Recorder} per
 * second, so that a cold start shows as a series instead of vanishing into one run-wide percentile.
 */
final class PerSecond {

    private final long startNanos;
    private final Recorder[] seconds;

    PerSecond(long startNanos, int seconds) {
        this.startNanos = startNanos;
        this.seconds = new Recorder[seconds];
        for (int i = 0; i < seconds; i++) {
            this.seconds[i] = new Recorder();
        }
    }

    void record(long sentNanos, long latencyNanos) {
        long second = (sentNanos - startNanos) / 1_000_000_000L;
        if (second >= 0 && second < seconds.length) {
            seconds[(int) second].record(latencyNanos);
        }
    }

    int length() {
        return seconds.length;
    }

    Recorder second(int index) {
        return seconds[index];
    }

    /** All samples from {@code from} (inclusive) to {@code to} (exclusive), as one recorder. */
    Recorder range(int from, int to) {
        Recorder all = new Recorder();
        for (int i = Math.max(0, from); i < Math.min(to, seconds.length); i++) {
            seconds[i].copyTo(all);
        }
        return all;
    }

    /**
     * The first second from which every 1-second window that has samples stays under {@code p99Millis} at p99, or
     * -1 when the last window does not; a window without samples (nothing sent that second) breaks no streak.
     */
    int timeToWarm(double p99Millis) {
        int warmFrom = -1;
        for (int i = 0; i < seconds.length; i++) {
            if (seconds[i].count() == 0) {
                continue;
            }
            boolean warm = seconds[i].percentilesMillis()[1] < p99Millis;
            if (!warm) {
                warmFrom = -1;
            } else if (warmFrom < 0) {
                warmFrom = i;
            }
        }
        return warmFrom;
    }
}
