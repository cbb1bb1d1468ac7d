package dev.signalgate.gateway.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Mints HS256 tokens: for the {@code token} sub-command, the development-mode token endpoint, tests and load
 * generators. Production deployments mint tokens in their own identity service.
 */
public final class TokenMinter {

    private final MACSigner signer;
    private final String issuer;
    private final String audience;

    public TokenMinter(byte[] secret, String issuer, String audience) {
        try {
            this.signer = new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("an HS256 secret needs at least 32 bytes", e);
        }
        this.issuer = issuer;
        this.audience = audience;
    }

    /** A token for {@code sub} valid for {@code ttl}; {@code name} and {@code role} may be null. */
    public String mint(String sub, String name, String role, List<String> rooms, Duration ttl) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .subject(sub)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString());
        if (name != null) {
            claims.claim("name", name);
        }
        if (role != null) {
            claims.claim("role", role);
        }
        if (rooms != null) {
            claims.claim("rooms", rooms);
        }
        if (issuer != null && !issuer.isEmpty()) {
            claims.issuer(issuer);
        }
        if (audience != null && !audience.isEmpty()) {
            claims.audience(audience);
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing failed", e);
        }
        return jwt.serialize();
    }
}
