package dev.signalgate.persistence;

import java.time.Duration;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * How {@link MessageWriter} groups, bounds and sheds writes. Immutable; start from {@link #defaults()}.
 *
 * @param maxBatch at most this many messages per database write; default {@value #DEFAULT_MAX_BATCH}. The
 *        writer's current limit drops to {@link #minBatch()} after a failed write and doubles back up
 * @param maxDelay how long the first message of a batch may wait for company; default 2 ms. Small
 *        because it is added to every message's latency when traffic is light; under load batches fill
 *        up while the previous write is in flight, so the delay hardly matters there
 * @param writeTimeout how long a submission may wait for its result before failing with
 *        {@link StoreUnavailableException}; default 5 s
 * @param maxPending at most this many submissions queued or in flight; beyond it {@code submit} fails at
 *        once with {@link StoreUnavailableException} instead of growing memory while the database is
 *        down; default {@value #DEFAULT_MAX_PENDING}
 * @param maxQueueAge a submission still queued (not yet handed to the store) after this long is shed: it fails
 *        at once, unwritten, so the writer spends its next writes on fresh messages rather than on ones whose
 *        senders are about to give up. Null (the default) means half the {@code writeTimeout}; must be shorter
 *        than it
 * @param recentlyStored how many of the messages this writer stored last are kept to answer their retries from
 *        memory (also bounded to {@value #RECENTLY_STORED_MAX_CHARS} characters of body and meta); 0 sends every
 *        retry to the store; default {@value #DEFAULT_RECENTLY_STORED}
 */
public record WriterSettings(int maxBatch, Duration maxDelay, Duration writeTimeout, int maxPending,
        @Nullable Duration maxQueueAge, int recentlyStored) {

    public static final int DEFAULT_MAX_BATCH = 256;
    public static final int DEFAULT_MAX_PENDING = 65_536;
    public static final int DEFAULT_RECENTLY_STORED = 16_384;
    /** The recently-stored messages keep at most this many characters of body and meta in all (16 MiB). */
    public static final long RECENTLY_STORED_MAX_CHARS = 8L << 20;

    public WriterSettings {
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(writeTimeout, "writeTimeout");
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        requirePositive("maxDelay", maxDelay);
        requirePositive("writeTimeout", writeTimeout);
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
        }
        if (maxQueueAge != null) {
            requirePositive("maxQueueAge", maxQueueAge);
            if (maxQueueAge.compareTo(writeTimeout) >= 0) {
                throw new IllegalArgumentException("maxQueueAge must be shorter than writeTimeout (" + writeTimeout
                        + "), got " + maxQueueAge);
            }
        }
        if (recentlyStored < 0) {
            throw new IllegalArgumentException("recentlyStored must be 0 or more, got " + recentlyStored);
        }
    }

    /**
     * 256 messages, 2 ms, 5 s, 65,536 pending, queue age half the timeout, 16,384 recently stored messages.
     */
    public static WriterSettings defaults() {
        return new WriterSettings(DEFAULT_MAX_BATCH, Duration.ofMillis(2), Duration.ofSeconds(5), DEFAULT_MAX_PENDING,
                null, DEFAULT_RECENTLY_STORED);
    }

    /** The queue-age bound in effect: {@code maxQueueAge}, or half the write timeout. */
    public Duration queueAgeLimit() {
        return maxQueueAge != null ? maxQueueAge : writeTimeout.dividedBy(2);
    }

    /** The floor of the adaptive batch limit (after a failed write): a sixteenth of {@code maxBatch}, at least 1. */
    public int minBatch() {
        return Math.max(1, maxBatch / 16);
    }

    public WriterSettings withMaxBatch(int value) {
        return new WriterSettings(value, maxDelay, writeTimeout, maxPending, maxQueueAge, recentlyStored);
    }

    public WriterSettings withMaxDelay(Duration value) {
        return new WriterSettings(maxBatch, value, writeTimeout, maxPending, maxQueueAge, recentlyStored);
    }

    public WriterSettings withWriteTimeout(Duration value) {
        return new WriterSettings(maxBatch, maxDelay, value, maxPending, maxQueueAge, recentlyStored);
    }

    public WriterSettings withMaxPending(int value) {
        return new WriterSettings(maxBatch, maxDelay, writeTimeout, value, maxQueueAge, recentlyStored);
    }

    public WriterSettings withMaxQueueAge(@Nullable Duration value) {
        return new WriterSettings(maxBatch, maxDelay, writeTimeout, maxPending, value, recentlyStored);
    }

    public WriterSettings withRecentlyStored(int value) {
        return new WriterSettings(maxBatch, maxDelay, writeTimeout, maxPending, maxQueueAge, value);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
