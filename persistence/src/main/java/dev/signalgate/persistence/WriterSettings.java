package dev.signalgate.persistence;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link MessageWriter} groups and bounds writes. Immutable; start from {@link #defaults()}.
 *
 * @param maxBatch at most this many messages per database write; default {@value #DEFAULT_MAX_BATCH}
 * @param maxDelay how long the first message of a batch may wait for company; default 2 ms. Small
 *        because it is added to every message's latency when traffic is light; under load batches fill
 *        up while the previous write is in flight, so the delay hardly matters there
 * @param writeTimeout how long a submission may wait for its result, and how long one batch write may
 *        take, before failing with {@link StoreUnavailableException}; default 5 s
 * @param maxPending at most this many submissions queued or in flight; beyond it {@code submit} fails at
 *        once with {@link StoreUnavailableException} instead of growing memory while the database is
 *        down; default {@value #DEFAULT_MAX_PENDING}
 */
public record WriterSettings(int maxBatch, Duration maxDelay, Duration writeTimeout, int maxPending) {

    public static final int DEFAULT_MAX_BATCH = 256;
    public static final int DEFAULT_MAX_PENDING = 65_536;

    public WriterSettings {
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        if (maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("maxDelay must be positive, got " + maxDelay);
        }
        if (writeTimeout.isNegative() || writeTimeout.isZero()) {
            throw new IllegalArgumentException("writeTimeout must be positive, got " + writeTimeout);
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
        }
    }

    /** 256 messages, 2 ms, 5 s, 65,536 pending. */
    public static WriterSettings defaults() {
        return new WriterSettings(DEFAULT_MAX_BATCH, Duration.ofMillis(2), Duration.ofSeconds(5), DEFAULT_MAX_PENDING);
    }

    public WriterSettings withMaxBatch(int value) {
        return new WriterSettings(value, maxDelay, writeTimeout, maxPending);
    }

    public WriterSettings withMaxDelay(Duration value) {
        return new WriterSettings(maxBatch, value, writeTimeout, maxPending);
    }

    public WriterSettings withWriteTimeout(Duration value) {
        return new WriterSettings(maxBatch, maxDelay, value, maxPending);
    }

    public WriterSettings withMaxPending(int value) {
        return new WriterSettings(maxBatch, maxDelay, writeTimeout, value);
    }
}
