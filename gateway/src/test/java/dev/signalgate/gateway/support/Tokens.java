package dev.signalgate.gateway.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import dev.signalgate.gateway.auth.TokenMinter;

/** Tokens signed with the test secret. */
public final class Tokens {

    public static final String SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";
    private static final TokenMinter MINTER = new TokenMinter(SECRET.getBytes(StandardCharsets.UTF_8), null, null);

    private Tokens() {
    }

    /** A token for {@code user} that may join any room. */
    public static String forUser(String user) {
        return MINTER.mint(user, null, null, List.of("*"), Duration.ofHours(1));
    }

    public static String forUser(String user, String role, List<String> rooms) {
        return MINTER.mint(user, null, role, rooms, Duration.ofHours(1));
    }

    /** A token for {@code user} with the given rooms claim and {@code iat}, valid for an hour from now. */
    public static String issuedAt(String user, List<String> rooms, Instant issuedAt) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject(user).claim("rooms", rooms).issueTime(Date.from(issuedAt))
                .expirationTime(Date.from(Instant.now().plus(Duration.ofHours(1)))).build());
        try {
            jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
