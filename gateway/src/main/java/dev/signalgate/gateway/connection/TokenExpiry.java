package dev.signalgate.gateway.connection;

import java.time.Clock;
import java.time.Duration;

/**
 * Closes a connection with 1008 (through the {@link ConnectionSweep}) once its token has expired, unless the
 * client replaced the token with {@code auth:refresh} in time. The deadline is {@code exp} plus the clock skew
 * that verification tolerates, so a token accepted at the upgrade is never cut sooner than verification would
 * have refused it.
 */
public final class TokenExpiry {

    private final Duration skew;
    private final Clock clock;

    public TokenExpiry(Duration skew, Clock clock) {
        this.skew = skew;
        this.clock = clock;
    }

    /** (Re)sets the connection's expiry deadline for its current token; the {@link ConnectionSweep} acts on it. */
    public void watch(Connection connection) {
        connection.expiryDeadlineMillis(connection.principal().expiresAt().plus(skew).toEpochMilli());
    }

    /**
     * Whether the connection's deadline has passed at {@code nowMillis} and its current token is expired: a
     * refresh that replaced the principal but not yet the deadline does not count as expired.
     */
    boolean expired(Connection connection, long nowMillis) {
        return nowMillis >= connection.expiryDeadlineMillis()
                && connection.principal().expiresAt().plus(skew).toEpochMilli() <= nowMillis;
    }

    /** Now, in epoch milliseconds of this expiry's clock. */
    long millis() {
        return clock.millis();
    }
}
