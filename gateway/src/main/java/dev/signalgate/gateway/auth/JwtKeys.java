package dev.signalgate.gateway.auth;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;

/** Where verification keys come from: a shared secret, a JWKS file, or a JWKS URI. */
final class JwtKeys {

    /** HTTP timeouts for JWKS fetches: a slow key server must not hold handshakes for long. */
    private static final int CONNECT_TIMEOUT_MS = 1_000;
    private static final int READ_TIMEOUT_MS = 1_000;
    private static final int SIZE_LIMIT_BYTES = 64 * 1024;

    private JwtKeys() {
    }

    static JWKSource<SecurityContext> secretSource(byte[] secret) {
        return new ImmutableSecret<>(secret);
    }

    static JWKSource<SecurityContext> fileSource(Path file) {
        try {
            return new ImmutableJWKSet<>(JWKSet.load(file.toFile()));
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot read the JWKS file " + file + ": " + e.getMessage(), e);
        }
    }

    /** The HTTP fetches of the JWKS at {@code uri}, watched for outages; for {@link #remoteSource}. */
    static JwksFetches<SecurityContext> remoteFetches(URI uri, Duration minInterval) {
        try {
            return new JwksFetches<>(new URLBasedJWKSetSource<>(uri.toURL(),
                    new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT_BYTES)), minInterval);
        } catch (MalformedURLException | IllegalArgumentException e) {
            throw new IllegalStateException("GATEWAY_JWT_JWKS_URI is not a URL: " + uri, e);
        }
    }

    /**
     * A cached JWKS: keys are kept 5 minutes and refreshed ahead of expiry; an unknown {@code kid} triggers a
     * refetch (at most one per {@code minInterval}), which is how key rotation is picked up; an outage of the key
     * server is bridged with the cached keys.
     */
    static JWKSource<SecurityContext> remoteSource(JwksFetches<SecurityContext> fetches, Duration minInterval) {
        return JWKSourceBuilder.create(fetches)
                .retrying(true)
                .outageTolerant(true)
                .rateLimited(minInterval.toMillis())
                .build();
    }
}
