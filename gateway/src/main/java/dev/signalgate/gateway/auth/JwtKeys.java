package dev.signalgate.gateway.auth;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.nio.file.Path;
import java.text.ParseException;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.ImmutableSecret;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
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

    /**
     * A cached JWKS: keys are kept 5 minutes and refreshed ahead of expiry; an unknown {@code kid} triggers a
     * refetch (at most one per 30 s), which is how key rotation is picked up; a short outage of the key server
     * is bridged with the cached keys.
     */
    static JWKSource<SecurityContext> remoteSource(URI uri) {
        try {
            return JWKSourceBuilder.<SecurityContext>create(uri.toURL(),
                            new DefaultResourceRetriever(CONNECT_TIMEOUT_MS, READ_TIMEOUT_MS, SIZE_LIMIT_BYTES))
                    .retrying(true)
                    .outageTolerant(true)
                    .build();
        } catch (MalformedURLException e) {
            throw new IllegalStateException("GATEWAY_JWT_JWKS_URI is not a URL: " + uri, e);
        }
    }
}
