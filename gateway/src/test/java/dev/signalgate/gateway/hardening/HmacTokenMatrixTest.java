package dev.signalgate.gateway.hardening;

import static dev.signalgate.gateway.hardening.AttackTokens.claims;
import static dev.signalgate.gateway.hardening.AttackTokens.header;
import static dev.signalgate.gateway.hardening.AttackTokens.macSigner;
import static dev.signalgate.gateway.hardening.AttackTokens.rsaSigner;
import static dev.signalgate.gateway.hardening.AttackTokens.sign;
import static dev.signalgate.gateway.hardening.AttackTokens.with;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.hardening.AttackTokens.Case;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;

/**
 * The upgrade against the HS256 test secret (no issuer or audience configured): the bad tokens specific to a
 * shared secret are refused with 401 and leave no trace, like those of {@link JwksTokenMatrixTest}. With the
 * server's default header limits, an oversized token never reaches the gateway's own length check: the HTTP
 * layer refuses it first, still before any WebSocket exists.
 */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HmacTokenMatrixTest {

    static final byte[] SECRET = Tokens.SECRET.getBytes(StandardCharsets.UTF_8);
    static final byte[] LONG_SECRET = (Tokens.SECRET + Tokens.SECRET).getBytes(StandardCharsets.UTF_8);
    static final String WATCHED_ROOM = "hmac-matrix-watch";

    @LocalServerPort
    int port;

    @Autowired
    ConnectionRegistry registry;

    private TestClient watcher;

    @BeforeAll
    void watchARoom() {
        watcher = TestClient.connected(port, Tokens.forUser("hmac-watcher"));
        watcher.request(Frames.of("chat:join_room", WATCHED_ROOM).id("w").build());
    }

    @AfterAll
    void stopWatching() {
        watcher.close();
    }

    static List<Case> badTokens() throws JOSEException {
        List<Case> cases = new ArrayList<>();
        Instant now = Instant.now();
        JWSHeader hs256 = header(JWSAlgorithm.HS256, null);
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("k").generate();
        String validOther = sign(hs256, claims("h-orig", null, null).build(), macSigner(SECRET));
        String[] parts = validOther.split("\\.");

        cases.add(new Case("alg none, unsigned", "h-none", AttackTokens.unsigned(claims("h-none", null, null).build())));
        cases.add(new Case("alg none header over a valid HS256 signature", "h-orig",
                AttackTokens.base64url("{\"alg\":\"none\"}") + "." + parts[1] + "." + parts[2]));
        cases.add(new Case("HS512 where HS256 is pinned", "h-hs512",
                sign(header(JWSAlgorithm.HS512, null), claims("h-hs512", null, null).build(), macSigner(LONG_SECRET))));
        cases.add(new Case("HS384 where HS256 is pinned", "h-hs384",
                sign(header(JWSAlgorithm.HS384, null), claims("h-hs384", null, null).build(), macSigner(LONG_SECRET))));
        cases.add(new Case("RS256 against a shared secret", "h-rs256",
                sign(header(JWSAlgorithm.RS256, "k"), claims("h-rs256", null, null).build(), rsaSigner(rsa))));
        cases.add(new Case("alg spelled hs256, HMAC-SHA256 with the right secret", "h-lower",
                AttackTokens.hmacWithHeader("{\"alg\":\"hs256\",\"typ\":\"JWT\"}", claims("h-lower", null, null)
                        .build().toString(), SECRET, "HmacSHA256")));
        cases.add(new Case("signature stripped", "h-orig", parts[0] + "." + parts[1] + "."));
        cases.add(new Case("tampered payload under the original signature", "h-tamper",
                AttackTokens.tampered(validOther, claims("h-tamper", null, null).build())));
        cases.add(new Case("expired 45 s ago, beyond the 30 s skew", "h-exp",
                sign(hs256, with(claims("h-exp", null, null), c -> c.expirationTime(Date.from(now.minusSeconds(45)))),
                        macSigner(SECRET))));
        cases.add(new Case("iat 120 s ahead, beyond the skew", "h-iat",
                sign(hs256, with(claims("h-iat", null, null), c -> c.issueTime(Date.from(now.plusSeconds(120)))),
                        macSigner(SECRET))));
        cases.add(new Case("empty sub", "",
                sign(hs256, with(claims("x", null, null), c -> c.subject("")), macSigner(SECRET))));
        cases.add(new Case("sub longer than 256 characters", "u".repeat(257),
                sign(hs256, claims("u".repeat(257), null, null).build(), macSigner(SECRET))));
        cases.add(new Case("name of the wrong type (object)", "h-name",
                sign(hs256, with(claims("h-name", null, null), c -> c.claim("name", Map.of("first", "x"))),
                        macSigner(SECRET))));
        cases.add(new Case("rooms claim of the wrong type (number)", "h-rooms",
                sign(hs256, with(claims("h-rooms", null, null), c -> c.claim("rooms", 7)), macSigner(SECRET))));
        cases.add(new Case("JWE: five parts", "h-jwe", AttackTokens.encrypted(claims("h-jwe", null, null).build(), rsa)));
        cases.add(new Case("base64 junk in three parts", "h-junk", AttackTokens.junk(2)));
        cases.add(new Case("garbage with quotes and control characters", "h-garbage", "\"}{\\u0000<script>"));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badTokens")
    void badTokenIsRefusedWith401AndLeavesNoTrace(Case bad, CapturedOutput output) {
        TokenMatrix.assertRefusedWithoutTrace(port, bad, registry, watcher, output);
    }

    @Test
    void oversizedTokenIsRefusedWith401BeforeAnyWebSocket(CapturedOutput output) {
        Case big = new Case("oversized", "h-big", AttackTokens.paddedTo(9000, header(JWSAlgorithm.HS256, null),
                claims("h-big", null, null), macSigner(SECRET)));

        HandshakeProbe.Answer answer = HandshakeProbe.withHeader(port, big.token());

        // The gateway raises Netty's header and request-line limits to 16 KB so that its own 8192-character
        // check answers, in a header and in the query string alike.
        assertThat(answer.status()).isEqualTo(401);
        assertThat(HandshakeProbe.withQuery(port, big.token()).status()).isEqualTo(401);
        assertThat(registry.ofUser(big.sub())).isEmpty();
        TokenMatrix.assertNoTokenIn(answer.body(), big, "refusal body");
        TokenMatrix.assertNoTokenIn(output.getAll(), big, "log");
    }

    @Test
    void validTokenIsAccepted() {
        TokenMatrix.assertAccepted(port, Tokens.forUser("hmac-user"), "hmac-user");
    }
}
