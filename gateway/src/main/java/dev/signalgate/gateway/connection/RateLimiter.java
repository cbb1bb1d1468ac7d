package dev.signalgate.gateway.connection;

/**
 * A connection's inbound rate: a token bucket of {@code burst} frames refilled at {@code ratePerSecond}, and a
 * second bucket that measures persistence in abuse.
 *
 * <p>A frame past the rate is refused ({@link Verdict#LIMITED}: the client gets {@code rate_limited} and may slow
 * down). Each refusal also takes a strike from a bucket of {@code burst} strikes that refills at a tenth of the
 * rate; a client that keeps sending past its limit runs out of strikes ({@link Verdict#ABUSIVE}) and is closed
 * with 4029. A one-off burst costs a few strikes and is forgotten; a client sending at twice its rate lasts a
 * few seconds.
 *
 * <p>Not thread-safe: a connection's inbound frames arrive one at a time.
 */
public final class RateLimiter {

    /** What to do with one inbound frame. */
    public enum Verdict {
        ALLOWED, LIMITED, ABUSIVE
    }

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final double perNano;
    private final double burst;
    private double tokens;
    private double strikes;
    private long last;

    public RateLimiter(int ratePerSecond, int burst, long nowNanos) {
        if (ratePerSecond < 1 || burst < 1) {
            throw new IllegalArgumentException("rate and burst must be at least 1");
        }
        this.perNano = ratePerSecond / NANOS_PER_SECOND;
        this.burst = burst;
        this.tokens = burst;
        this.strikes = burst;
        this.last = nowNanos;
    }

    /** Takes one frame's worth from the bucket. */
    public Verdict acquire(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - last);
        last = nowNanos;
        tokens = Math.min(burst, tokens + elapsed * perNano);
        strikes = Math.min(burst, strikes + elapsed * perNano / 10);
        if (tokens >= 1) {
            tokens -= 1;
            return Verdict.ALLOWED;
        }
        strikes -= 1;
        return strikes < 0 ? Verdict.ABUSIVE : Verdict.LIMITED;
    }
}
