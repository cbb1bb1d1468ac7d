package dev.signalgate.gateway.connection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import dev.signalgate.protocol.CloseCode;
import reactor.core.publisher.Mono;

/**
 * Closes a connection with 1008 once its token has expired, unless the client replaced the token with
 * {@code auth:refresh} in time. The deadline is {@code exp} plus the clock skew that verification tolerates, so a
 * token accepted at the upgrade is never cut sooner than verification would have refused it.
 */
public final class TokenExpiry {

    private final Duration skew;
    private final Clock clock;

    public TokenExpiry(Duration skew, Clock clock) {
        this.skew = skew;
        this.clock = clock;
    }

    /** (Re)arms the connection's expiry timer for its current token. */
    public void watch(Connection connection) {
        Instant deadline = connection.principal().expiresAt().plus(skew);
        Duration wait = Duration.between(clock.instant(), deadline);
        connection.replaceExpiryTimer(Mono.delay(wait.isNegative() ? Duration.ZERO : wait)
                .subscribe(tick -> {
                    if (!connection.principal().expiresAt().plus(skew).isAfter(clock.instant())) {
                        connection.close(CloseCode.POLICY_VIOLATION);
                    }
                }));
    }
}
