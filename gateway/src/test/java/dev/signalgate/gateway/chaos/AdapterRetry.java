package dev.signalgate.gateway.chaos;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What the JS adapter waits before it sends a message again, in Java: the adapter's {@code backoffDelay}
 * ({@code static/client/reconnect.js}), exponential with full jitter, uniform in
 * {@code [0, min(max, base * 2^attempt))}, with its defaults (base 500 ms, max 10 s).
 */
final class AdapterRetry {

    static final long BASE_MILLIS = 500;
    static final long MAX_MILLIS = 10_000;

    private AdapterRetry() {
    }

    /** The wait before retry {@code attempt} (from 0), in milliseconds. */
    static long delayMillis(int attempt) {
        long ceiling = Math.min(MAX_MILLIS, BASE_MILLIS << Math.min(Math.max(attempt, 0), 30));
        return (long) Math.floor(ThreadLocalRandom.current().nextDouble() * ceiling);
    }
}
