package dev.signalgate.gateway.auth;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.BadJWTException;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import dev.signalgate.protocol.FrameLimits;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Verifies JWTs with nimbus-jose-jwt, following RFC 8725: the accepted algorithms are pinned per key source (HS256
 * for a shared secret; RS256 and ES256 for a JWKS), so {@code alg: none} and HS/RS confusion are refused by the
 * key selector itself; {@code sub} and {@code exp} are required; {@code exp}, {@code nbf} and {@code iat} are
 * checked with a small clock skew; {@code iss} and {@code aud} are checked when configured; oversized tokens are
 * refused before any parsing.
 *
 * <p>A token whose key is not cached while the JWKS URI cannot be fetched (down, or fetched too recently to ask
 * again) is refused with {@link KeysUnavailableException} (503), not {@link TokenRefusedException} (401): the
 * token is not known to be bad.
 *
 * <p>A JWKS fetched over HTTP blocks while it loads, so verification then runs on the bounded-elastic scheduler,
 * never on a Netty event loop. Secret and file keys verify in place: an HMAC is cheaper than a thread hop.
 */
public final class JwtTokenVerifier implements TokenVerifier {

    private static final Set<JWSAlgorithm> PUBLIC_KEY_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    private final DefaultJWTProcessor<SecurityContext> processor;
    private final boolean keysMayBlock;
    /** The remote JWKS's fetches, to tell an outage from an unknown key; null for keys that cannot go away. */
    private final JwksFetches<?> fetches;
    private final Duration clockSkew;
    private final int maxTokenLength;

    private JwtTokenVerifier(JWSVerificationKeySelector<SecurityContext> keySelector, boolean keysMayBlock,
            JwksFetches<?> fetches, String issuer, String audience, Duration clockSkew, int maxTokenLength) {
        this.keysMayBlock = keysMayBlock;
        this.fetches = fetches;
        this.clockSkew = clockSkew;
        this.maxTokenLength = maxTokenLength;
        this.processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(keySelector);
        JWTClaimsSet exactMatch = issuer == null || issuer.isEmpty()
                ? new JWTClaimsSet.Builder().build()
                : new JWTClaimsSet.Builder().issuer(issuer).build();
        // Not Set.of: nimbus asks contains(null) to learn whether tokens without aud are allowed, and immutable
        // sets throw on that question.
        Set<String> audiences = audience == null || audience.isEmpty() ? null : new HashSet<>(List.of(audience));
        DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier =
                new DefaultJWTClaimsVerifier<>(audiences, exactMatch, Set.of("sub", "exp"), null);
        claimsVerifier.setMaxClockSkew((int) clockSkew.toSeconds());
        processor.setJWTClaimsSetVerifier(claimsVerifier);
    }

    /** A verifier for HS256 tokens signed with {@code secret} (its UTF-8 bytes, at least 32). */
    public static JwtTokenVerifier hs256(byte[] secret, String issuer, String audience, Duration clockSkew,
            int maxTokenLength) {
        return new JwtTokenVerifier(
                new JWSVerificationKeySelector<>(JWSAlgorithm.HS256, JwtKeys.secretSource(secret)), false, null,
                issuer, audience, clockSkew, maxTokenLength);
    }

    /** A verifier for RS256 and ES256 tokens whose public keys come from {@code keys}. */
    public static JwtTokenVerifier publicKeys(JWKSource<SecurityContext> keys, boolean keysMayBlock,
            String issuer, String audience, Duration clockSkew, int maxTokenLength) {
        return new JwtTokenVerifier(new JWSVerificationKeySelector<>(PUBLIC_KEY_ALGORITHMS, keys), keysMayBlock,
                null, issuer, audience, clockSkew, maxTokenLength);
    }

    /**
     * A verifier for RS256 and ES256 tokens whose public keys are fetched from a JWKS URI: while {@code fetches}
     * says the key server is down, a token whose key is not cached is refused with
     * {@link KeysUnavailableException} instead of {@link TokenRefusedException}.
     */
    static JwtTokenVerifier remoteKeys(JWKSource<SecurityContext> keys, JwksFetches<?> fetches, String issuer,
            String audience, Duration clockSkew, int maxTokenLength) {
        return new JwtTokenVerifier(new JWSVerificationKeySelector<>(PUBLIC_KEY_ALGORITHMS, keys), true, fetches,
                issuer, audience, clockSkew, maxTokenLength);
    }

    @Override
    public Mono<UserPrincipal> verify(String token) {
        Mono<UserPrincipal> verification = Mono.fromCallable(() -> verifyNow(token));
        return keysMayBlock ? verification.subscribeOn(Schedulers.boundedElastic()) : verification;
    }

    private UserPrincipal verifyNow(String token) {
        if (token == null || token.isEmpty()) {
            throw new TokenRefusedException("no token");
        }
        if (token.length() > maxTokenLength) {
            throw new TokenRefusedException("token longer than " + maxTokenLength + " characters");
        }
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            // Parse messages can quote the decoded header: say nothing of the token's content.
            throw new TokenRefusedException("malformed token");
        } catch (BadJWTException e) {
            throw new TokenRefusedException("invalid claims: " + e.getMessage());
        } catch (BadJWSException e) {
            // A key was found and the signature does not match it: bad whatever the key server's state.
            throw new TokenRefusedException("signature or algorithm refused");
        } catch (BadJOSEException e) {
            // No key for this token: unknown to a key server that answered, or unavailable from one that did not.
            throw keysUnavailable(token, false) ? new KeysUnavailableException(fetches.retryAfter())
                    : new TokenRefusedException("signature or algorithm refused");
        } catch (JOSEException e) {
            // Rate-limited: the key server was not asked about this kid, so it may be a key rotated in just now.
            throw keysUnavailable(token, e instanceof RateLimitReachedException)
                    ? new KeysUnavailableException(fetches.retryAfter())
                    : new TokenRefusedException("token could not be verified");
        }
        return toPrincipal(claims);
    }

    /**
     * Whether the key server could not be asked (it is down, or {@code rateLimited}: asked too recently) and the
     * token asks for a key it could serve (an accepted alg).
     */
    private boolean keysUnavailable(String token, boolean rateLimited) {
        if (fetches == null || !(rateLimited || fetches.down())) {
            return false;
        }
        try {
            return PUBLIC_KEY_ALGORITHMS.contains(SignedJWT.parse(token).getHeader().getAlgorithm());
        } catch (ParseException e) {
            return false;
        }
    }

    private UserPrincipal toPrincipal(JWTClaimsSet claims) {
        Date issuedAt = claims.getIssueTime();
        if (issuedAt != null && issuedAt.toInstant().isAfter(Instant.now().plus(clockSkew))) {
            throw new TokenRefusedException("invalid claims: iat is in the future");
        }
        String sub = claims.getSubject();
        if (sub.isEmpty() || sub.length() > FrameLimits.MAX_USER_ID_LENGTH) {
            throw new TokenRefusedException("invalid claims: sub must have 1 to " + FrameLimits.MAX_USER_ID_LENGTH
                    + " characters");
        }
        try {
            return new UserPrincipal(sub, claims.getStringClaim("name"), claims.getStringClaim("role"),
                    RoomAccess.of(roomPatterns(claims)), claims.getExpirationTime().toInstant(),
                    issuedAt == null ? null : issuedAt.toInstant());
        } catch (ParseException e) {
            throw new TokenRefusedException("invalid claims: name and role must be strings");
        }
    }

    private static List<String> roomPatterns(JWTClaimsSet claims) {
        Object rooms = claims.getClaim("rooms");
        if (rooms == null) {
            return List.of();
        }
        if (rooms instanceof String single) {
            return List.of(single);
        }
        if (rooms instanceof List<?> list) {
            Set<String> patterns = new HashSet<>();
            for (Object item : list) {
                if (!(item instanceof String pattern)) {
                    throw new TokenRefusedException("invalid claims: rooms must be a list of strings");
                }
                patterns.add(pattern);
            }
            return List.copyOf(patterns);
        }
        throw new TokenRefusedException("invalid claims: rooms must be a list of strings");
    }
}
