package dev.signalgate.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import com.nimbusds.jose.proc.SecurityContext;

import dev.signalgate.gateway.config.GatewayProperties;

/**
 * The keys tokens are checked against, chosen once from configuration: a JWKS (URI or file) for RS256/ES256, else
 * {@code GATEWAY_JWT_SECRET} for HS256, else the development secret. A configured secret shorter than 32 bytes
 * stops the gateway at start-up rather than run with a guessable key.
 */
public final class SigningKeys {

    /** The shortest HS256 secret accepted, in bytes (RFC 7518 section 3.2: at least the hash size). */
    public static final int MIN_SECRET_BYTES = 32;

    private final GatewayProperties.Jwt jwt;
    private final byte[] secret;
    private final boolean developmentMode;

    private SigningKeys(GatewayProperties.Jwt jwt, byte[] secret, boolean developmentMode) {
        this.jwt = jwt;
        this.secret = secret;
        this.developmentMode = developmentMode;
    }

    public static SigningKeys from(GatewayProperties.Jwt jwt, Path dataDir) {
        if (jwt.developmentMode()) {
            return new SigningKeys(jwt, DevSecret.loadOrCreate(dataDir).getBytes(StandardCharsets.UTF_8), true);
        }
        byte[] secret = null;
        if (jwt.secret() != null && !jwt.secret().isEmpty()) {
            secret = jwt.secret().getBytes(StandardCharsets.UTF_8);
            if (secret.length < MIN_SECRET_BYTES) {
                throw new IllegalStateException("GATEWAY_JWT_SECRET must be at least " + MIN_SECRET_BYTES
                        + " bytes of UTF-8; it has " + secret.length);
            }
        }
        return new SigningKeys(jwt, secret, false);
    }

    /** Whether the gateway runs on its random development secret. */
    public boolean developmentMode() {
        return developmentMode;
    }

    /** A minter for HS256 tokens this gateway accepts, or null when it only accepts JWKS-signed tokens. */
    public TokenMinter minter() {
        return secret == null || jwt.jwksUri() != null || jwt.jwksFile() != null
                ? null
                : new TokenMinter(secret, jwt.issuer(), jwt.audience());
    }

    public TokenVerifier verifier() {
        int maxLength = jwt.maxTokenLength();
        if (jwt.jwksUri() != null) {
            JwksFetches<SecurityContext> fetches = JwtKeys.remoteFetches(jwt.jwksUri(), jwt.jwksRefetchInterval());
            return JwtTokenVerifier.remoteKeys(JwtKeys.remoteSource(fetches, jwt.jwksRefetchInterval()), fetches,
                    jwt.issuer(), jwt.audience(), jwt.clockSkew(), maxLength);
        }
        if (jwt.jwksFile() != null) {
            return JwtTokenVerifier.publicKeys(JwtKeys.fileSource(jwt.jwksFile()), false, jwt.issuer(),
                    jwt.audience(), jwt.clockSkew(), maxLength);
        }
        return JwtTokenVerifier.hs256(secret, jwt.issuer(), jwt.audience(), jwt.clockSkew(), maxLength);
    }
}
