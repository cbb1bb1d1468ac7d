package dev.signalgate.gateway.auth;

import java.time.Duration;

/**
 * The token may well be good, but the keys to check it cannot be fetched now: the JWKS URI is unreachable, answers
 * an error or times out (or was fetched too recently to be asked again), and the token's {@code kid} is not among
 * the keys cached from before. Answered 503 with
 * {@code Retry-After}, never 401, so that clients keep their session and try again instead of sending users to a
 * login page. The message is safe to show and to log: it never contains the token.
 */
public final class KeysUnavailableException extends RuntimeException {

    private final Duration retryAfter;

    public KeysUnavailableException(Duration retryAfter) {
        super("the key to verify this token is not cached and cannot be fetched right now; try again in "
                + retryAfter.toSeconds() + " s", null, false, false);
        this.retryAfter = retryAfter;
    }

    /** How long to wait before trying again, whole seconds, at least one. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
