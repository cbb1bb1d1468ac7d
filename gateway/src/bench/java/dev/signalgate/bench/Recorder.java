package dev.signalgate.bench;

import java.util.Arrays;

/** Latency samples in nanoseconds, all kept (a phase records at most a few hundred thousand) and sorted once. */
final class Recorder {

    private long[] samples = new long[1 << 16];
    private int size;

    synchronized void record(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized int count() {
        return size;
    }

    synchronized void copyTo(Recorder other) {
        for (int i = 0; i < size; i++) {
            other.record(samples[i]);
        }
    }

    /** Percentiles in milliseconds: p50, p99, p99.9, max; NaN each when nothing was recorded. */
    synchronized double[] percentilesMillis() {
        if (size == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        return new double[] {millis(sorted, 0.50), millis(sorted, 0.99), millis(sorted, 0.999),
                sorted[size - 1] / 1e6};
    }

    private static double millis(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank))] / 1e6;
    }
}
