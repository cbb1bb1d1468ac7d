package dev.signalgate.gateway.auth;

import java.io.IOException;
import java.time.Duration;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outcome of the latest fetch of a remote JWKS, so that a token refused for want of a key can be told apart:
 * a key server that answered without the token's {@code kid} (the token is bad: 401) from one that could not
 * answer at all (unreachable, an error status, a timeout, a body that is no JWKS: the keys are unavailable, 503).
 *
 * <p>It sits at the bottom of nimbus's chain of JWKS sources, directly above the HTTP fetch, so it sees every
 * attempt, retries included, and none of the cache's answers. Logs a warning when the key server goes down and an
 * info line when it is back, not one per failed fetch.
 */
final class JwksFetches<C extends SecurityContext> implements JWKSetSource<C> {

    private static final Logger log = LoggerFactory.getLogger(JwksFetches.class);

    private final JWKSetSource<C> fetch;
    private final Duration minInterval;
    private volatile boolean down;
    private volatile long lastAttemptNanos = System.nanoTime();

    /**
     * @param fetch the HTTP fetch of the JWKS
     * @param minInterval the least time between two fetches (nimbus's rate limit), after which a retry can help
     */
    JwksFetches(JWKSetSource<C> fetch, Duration minInterval) {
        this.fetch = fetch;
        this.minInterval = minInterval;
    }

    @Override
    public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator refreshEvaluator, long currentTime, C context)
            throws KeySourceException {
        lastAttemptNanos = System.nanoTime();
        try {
            JWKSet keys = fetch.getJWKSet(refreshEvaluator, currentTime, context);
            if (down) {
                log.info("JWKS fetched again: the key server is back");
            }
            down = false;
            return keys;
        } catch (KeySourceException | RuntimeException e) {
            if (!down) {
                log.warn("JWKS fetch failed, tokens with keys not cached are answered 503 until it works: {}",
                        e.toString());
            }
            down = true;
            throw e;
        }
    }

    /** Whether the latest fetch failed. */
    boolean down() {
        return down;
    }

    /** Until the next fetch may be tried, in whole seconds: at least 1, at most the rate limit's interval. */
    Duration retryAfter() {
        long remainingMillis = minInterval.toMillis() - Duration.ofNanos(System.nanoTime() - lastAttemptNanos).toMillis();
        long seconds = Math.max(1, (remainingMillis + 999) / 1000);
        return Duration.ofSeconds(Math.min(seconds, Math.max(1, minInterval.toSeconds())));
    }

    @Override
    public void close() throws IOException {
        fetch.close();
    }
}
