package dev.signalgate.gateway.hardening;

import static dev.signalgate.gateway.hardening.AttackTokens.claims;
import static dev.signalgate.gateway.hardening.AttackTokens.ecSigner;
import static dev.signalgate.gateway.hardening.AttackTokens.header;
import static dev.signalgate.gateway.hardening.AttackTokens.macSigner;
import static dev.signalgate.gateway.hardening.AttackTokens.rsaSigner;
import static dev.signalgate.gateway.hardening.AttackTokens.sign;
import static dev.signalgate.gateway.hardening.AttackTokens.with;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.hardening.AttackTokens.Case;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;

/**
 * The upgrade against a JWKS (an RSA and an EC public key, with kids) with {@code iss} and {@code aud}
 * configured: every bad token is refused with 401, in the header and in the query parameter, before any
 * WebSocket exists (no connection registered, no room joined, nobody told of a join), and no part of the token
 * shows up in the refusal or in the log. Valid RS256 and ES256 tokens, and one expired within the 30 s clock
 * skew, are accepted.
 *
 * <p>The HTTP header limit is raised to 32 KB here so that a token over {@code gateway.jwt.max-token-length}
 * (8192) reaches the gateway's own length check; with Reactor Netty's default 8 KB header limit it is refused
 * earlier, see {@link HmacTokenMatrixTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.issuer=" + JwksTokenMatrixTest.ISSUER,
        "gateway.jwt.audience=" + JwksTokenMatrixTest.AUDIENCE,
        "gateway.data-dir=${java.io.tmpdir}/signalgate-test-${random.uuid}",
        "server.max-http-request-header-size=32KB"})
// A context of its own that no other test shares: closed after this class.
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JwksTokenMatrixTest {

    static final String ISSUER = "https://idp.clinic.example";
    static final String AUDIENCE = "signalgate";
    static final String WATCHED_ROOM = "matrix-watch";

    static final RSAKey RSA;
    static final ECKey EC;
    /** Keys an attacker holds: not in the JWKS. */
    static final RSAKey FOREIGN_RSA;
    static final ECKey FOREIGN_EC;
    static final Path JWKS_FILE;

    static {
        try {
            RSA = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            EC = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            FOREIGN_RSA = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
            FOREIGN_EC = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
            JWKS_FILE = Files.createTempFile("signalgate-jwks-", ".json");
            // JWKSet.toString() writes public keys only.
            Files.writeString(JWKS_FILE, new JWKSet(List.of(RSA, EC)).toString(), StandardCharsets.UTF_8);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void jwks(DynamicPropertyRegistry registry) {
        registry.add("gateway.jwt.jwks-file", JWKS_FILE::toString);
    }

    @LocalServerPort
    int port;

    @Autowired
    ConnectionRegistry registry;

    private TestClient watcher;

    @BeforeAll
    void watchARoom() {
        watcher = TestClient.connected(port, valid(JWSAlgorithm.RS256, "watcher"));
        watcher.request(Frames.of("chat:join_room", WATCHED_ROOM).id("w").build());
    }

    @AfterAll
    void stopWatching() throws IOException {
        watcher.close();
        Files.deleteIfExists(JWKS_FILE);
    }

    static String valid(JWSAlgorithm algorithm, String sub) {
        JWTClaimsSet claims = claims(sub, ISSUER, AUDIENCE).build();
        return algorithm == JWSAlgorithm.ES256 ? sign(header(algorithm, "ec-1"), claims, ecSigner(EC))
                : sign(header(algorithm, "rsa-1"), claims, rsaSigner(RSA));
    }

    static List<Case> badTokens() {
        List<Case> cases = new ArrayList<>();
        Instant now = Instant.now();
        JWSHeader rs256 = header(JWSAlgorithm.RS256, "rsa-1");
        byte[] rsaDer = publicDer(RSA);
        byte[] rsaPem = ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(rsaDer) + "\n-----END PUBLIC KEY-----\n").getBytes(StandardCharsets.US_ASCII);

        cases.add(new Case("alg none, unsigned", "m-none",
                AttackTokens.unsigned(claims("m-none", ISSUER, AUDIENCE).build())));
        cases.add(new Case("alg none with kid and a real RS256 signature", "m-none-sig",
                noneHeaderOnSigned(sign(rs256, claims("m-none-sig", ISSUER, AUDIENCE).build(), rsaSigner(RSA)))));
        cases.add(new Case("HS256 keyed with the RSA public key (DER)", "m-conf-der",
                sign(header(JWSAlgorithm.HS256, "rsa-1"), claims("m-conf-der", ISSUER, AUDIENCE).build(),
                        macSigner(rsaDer))));
        cases.add(new Case("HS256 keyed with the RSA public key (PEM)", "m-conf-pem",
                sign(header(JWSAlgorithm.HS256, "rsa-1"), claims("m-conf-pem", ISSUER, AUDIENCE).build(),
                        macSigner(rsaPem))));
        cases.add(new Case("HS256 keyed with the EC public JWK", "m-conf-ec",
                sign(header(JWSAlgorithm.HS256, "ec-1"), claims("m-conf-ec", ISSUER, AUDIENCE).build(),
                        macSigner(EC.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)))));
        cases.add(new Case("RS256 signed by the JWKS key but with an unknown kid", "m-kid",
                sign(header(JWSAlgorithm.RS256, "rsa-2"), claims("m-kid", ISSUER, AUDIENCE).build(),
                        rsaSigner(RSA))));
        cases.add(new Case("RS256 signed by a key not in the JWKS", "m-foreign-rsa",
                sign(rs256, claims("m-foreign-rsa", ISSUER, AUDIENCE).build(), rsaSigner(FOREIGN_RSA))));
        cases.add(new Case("RS256 signed by a foreign key embedded as jwk header", "m-jwk",
                sign(new JWSHeader.Builder(JWSAlgorithm.RS256).jwk(FOREIGN_RSA.toPublicJWK()).build(),
                        claims("m-jwk", ISSUER, AUDIENCE).build(), rsaSigner(FOREIGN_RSA))));
        cases.add(new Case("ES256 signed by a key not in the JWKS", "m-foreign-ec",
                sign(header(JWSAlgorithm.ES256, "ec-1"), claims("m-foreign-ec", ISSUER, AUDIENCE).build(),
                        ecSigner(FOREIGN_EC))));
        cases.add(new Case("PS256, an algorithm not pinned, with the JWKS key", "m-ps256",
                sign(header(JWSAlgorithm.PS256, "rsa-1"), claims("m-ps256", ISSUER, AUDIENCE).build(),
                        rsaSigner(RSA))));
        cases.add(new Case("expired 45 s ago, beyond the 30 s skew", "m-exp",
                sign(rs256, with(claims("m-exp", ISSUER, AUDIENCE),
                        c -> c.expirationTime(Date.from(now.minusSeconds(45)))), rsaSigner(RSA))));
        cases.add(new Case("nbf 120 s ahead, beyond the skew", "m-nbf",
                sign(rs256, with(claims("m-nbf", ISSUER, AUDIENCE),
                        c -> c.notBeforeTime(Date.from(now.plusSeconds(120)))), rsaSigner(RSA))));
        cases.add(new Case("iat 120 s ahead, beyond the skew", "m-iat",
                sign(rs256, with(claims("m-iat", ISSUER, AUDIENCE),
                        c -> c.issueTime(Date.from(now.plusSeconds(120)))), rsaSigner(RSA))));
        cases.add(new Case("wrong aud", "m-aud",
                sign(rs256, claims("m-aud", ISSUER, "another-service").build(), rsaSigner(RSA))));
        cases.add(new Case("missing aud while one is configured", "m-no-aud",
                sign(rs256, claims("m-no-aud", ISSUER, null).build(), rsaSigner(RSA))));
        cases.add(new Case("wrong iss", "m-iss",
                sign(rs256, claims("m-iss", "https://evil.example", AUDIENCE).build(), rsaSigner(RSA))));
        cases.add(new Case("missing iss while one is configured", "m-no-iss",
                sign(rs256, claims("m-no-iss", null, AUDIENCE).build(), rsaSigner(RSA))));
        cases.add(new Case("tampered payload under the original signature", "m-tamper",
                AttackTokens.tampered(sign(rs256, claims("m-tamper-orig", ISSUER, AUDIENCE).build(), rsaSigner(RSA)),
                        claims("m-tamper", ISSUER, AUDIENCE).build())));
        cases.add(new Case("oversized: a valid signature over 8192 characters", "m-big",
                AttackTokens.paddedTo(9000, rs256, claims("m-big", ISSUER, AUDIENCE), rsaSigner(RSA))));
        cases.add(new Case("missing sub", "m-no-sub",
                sign(rs256, with(claims("m-no-sub", ISSUER, AUDIENCE), c -> c.subject(null)), rsaSigner(RSA))));
        cases.add(new Case("missing exp", "m-no-exp",
                sign(rs256, with(claims("m-no-exp", ISSUER, AUDIENCE), c -> c.expirationTime(null)),
                        rsaSigner(RSA))));
        cases.add(new Case("exp of the wrong type (string)", "m-exp-str",
                AttackTokens.signRaw(rs256, AttackTokens.json(Map.of("sub", "m-exp-str", "iss", ISSUER,
                        "aud", AUDIENCE, "exp", String.valueOf(now.plusSeconds(600).getEpochSecond()))),
                        rsaSigner(RSA))));
        cases.add(new Case("rooms claim of the wrong type (number)", "m-rooms",
                sign(rs256, with(claims("m-rooms", ISSUER, AUDIENCE), c -> c.claim("rooms", 42)), rsaSigner(RSA))));
        cases.add(new Case("rooms claim with a non-string item", "m-rooms-item",
                sign(rs256, with(claims("m-rooms-item", ISSUER, AUDIENCE), c -> c.claim("rooms", List.of("*", 1))),
                        rsaSigner(RSA))));
        cases.add(new Case("JWE: five parts, encrypted to the gateway's own RSA key", "m-jwe",
                AttackTokens.encrypted(claims("m-jwe", ISSUER, AUDIENCE).build(), RSA)));
        cases.add(new Case("crit header naming an unknown parameter", "m-crit",
                sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").type(JOSEObjectType.JWT)
                                .criticalParams(Set.of("x-clinic-policy")).customParam("x-clinic-policy", "strict")
                                .build(),
                        claims("m-crit", ISSUER, AUDIENCE).build(), rsaSigner(RSA))));
        cases.add(new Case("empty string", "m-empty", ""));
        cases.add(new Case("only spaces", "m-spaces", "    "));
        cases.add(new Case("garbage", "m-garbage", "not a jwt at all!"));
        cases.add(new Case("base64 junk in three parts", "m-junk", AttackTokens.junk(1)));
        cases.add(new Case("a valid token with a fourth part", "m-four",
                sign(rs256, claims("m-four", ISSUER, AUDIENCE).build(), rsaSigner(RSA)) + ".AAAA"));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badTokenIsRefusedWith401AndLeavesNoTrace(Case bad, CapturedOutput output) {
        TokenMatrix.assertRefusedWithoutTrace(port, bad, registry, watcher, output);
    }

    @Test
    void validRs256TokenIsAccepted() {
        TokenMatrix.assertAccepted(port, valid(JWSAlgorithm.RS256, "rs-user"), "rs-user");
    }

    @Test
    void validEs256TokenIsAccepted() {
        TokenMatrix.assertAccepted(port, valid(JWSAlgorithm.ES256, "es-user"), "es-user");
    }

    @Test
    void tokenExpiredWithinTheClockSkewIsAccepted() {
        String token = sign(header(JWSAlgorithm.RS256, "rsa-1"), with(claims("skew-user", ISSUER, AUDIENCE),
                c -> c.expirationTime(Date.from(Instant.now().minusSeconds(10)))), rsaSigner(RSA));
        assertThat(HandshakeProbe.withHeader(port, token).status()).isEqualTo(101);
    }

    @Test
    void tokenOfExactlyTheLengthLimitPassesTheLengthCheck() {
        String token = AttackTokens.paddedAtMost(8192, header(JWSAlgorithm.RS256, "rsa-1"),
                claims("long-user", ISSUER, AUDIENCE), rsaSigner(RSA));
        assertThat(token.length()).isBetween(8189, 8192);
        assertThat(HandshakeProbe.withHeader(port, token).status()).isEqualTo(101);
    }

    private static byte[] publicDer(RSAKey key) {
        try {
            return key.toRSAPublicKey().getEncoded();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The header of a signed token replaced by {@code {"alg":"none","kid":"rsa-1"}}, the signature kept. */
    private static String noneHeaderOnSigned(String token) {
        String[] parts = token.split("\\.");
        return AttackTokens.base64url("{\"alg\":\"none\",\"kid\":\"rsa-1\"}") + "." + parts[1] + "." + parts[2];
    }
}
