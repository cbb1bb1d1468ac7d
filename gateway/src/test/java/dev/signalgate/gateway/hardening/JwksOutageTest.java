package dev.signalgate.gateway.hardening;

import static dev.signalgate.gateway.hardening.AttackTokens.claims;
import static dev.signalgate.gateway.hardening.AttackTokens.header;
import static dev.signalgate.gateway.hardening.AttackTokens.rsaSigner;
import static dev.signalgate.gateway.hardening.AttackTokens.sign;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.signalgate.gateway.api.ApiClient;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JWKS URI goes away and comes back: unreachable, then answering 500, then serving keys, then hanging past the
 * gateway's read timeout, then serving a new key. While it cannot be fetched, a token whose {@code kid} is not
 * cached is answered 503 with {@code Retry-After} and a JSON reason, at the upgrade, on the API and on
 * {@code auth:refresh}; tokens with a cached key keep working; a token the key server could judge (an unknown kid
 * while it is up, a bad signature on a cached key) is still 401. The gateway may fetch again 1 s after its last
 * fetch here; a kid not cached within that second is answered 503 too (the key server could not be asked).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.data-dir=${java.io.tmpdir}/signalgate-test-${random.uuid}",
        "gateway.jwt.jwks-refetch-interval=1s"})
// A context of its own that no other test shares: closed after this class.
@DirtiesContext
class JwksOutageTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Long enough for a loaded machine to retry a few times; the gateway needs about a second. */
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** Between two attempts while waiting for a condition, as a client honouring Retry-After would. */
    private static final Duration POLL = Duration.ofMillis(100);
    private static final JwksServer JWKS = JwksServer.onFreePort();
    private static final RSAKey KEY_A = rsaKey("a");
    private static final RSAKey KEY_B = rsaKey("b");
    private static final RSAKey KEY_C = rsaKey("c");

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void jwks(DynamicPropertyRegistry registry) {
        registry.add("gateway.jwt.jwks-uri", () -> JWKS.uri().toString());
    }

    @AfterAll
    static void stopJwks() {
        JWKS.close();
    }

    @Test
    void tokensWithKeysNotCachedAreAnswered503WhileTheKeyServerIsDownAnd401OnlyWhenItJudgedThem() {
        ApiClient api = new ApiClient(port);
        String userA = token(KEY_A, "alice", null);
        String serviceA = token(KEY_A, "backend", "service");

        // Unreachable, nothing cached.
        assertOutage(HandshakeProbe.withHeader(port, userA));
        ApiClient.Answer published = api.publish(serviceA, "room-1", "{\"type\":\"queue:updated\",\"data\":{}}");
        assertThat(published.status()).isEqualTo(503);
        assertThat(published.response().headers().firstValue("Retry-After")).hasValue("1");
        assertThat(published.json().path("error").asString()).isEqualTo("unavailable");

        // Listening, answering 500.
        JWKS.mode(JwksServer.Mode.ERROR, new JWKSet());
        JWKS.start();
        awaitOutageSeenBy(userA, 1);

        // Back with key a.
        JWKS.mode(JwksServer.Mode.UP, new JWKSet(KEY_A.toPublicJWK()));
        awaitAccepted(userA);
        assertThat(api.publish(serviceA, "room-1", "{\"type\":\"queue:updated\",\"data\":{}}").status()).isEqualTo(202);
        // Up, and without kid c: once the gateway may ask again (503 until then), that token is bad.
        awaitRefused(token(KEY_C, "carol", null));

        // Hanging past the read timeout, with key a cached.
        try (TestClient alice = TestClient.connected(port, userA)) {
            JWKS.mode(JwksServer.Mode.HANG, new JWKSet());
            String userB = token(KEY_B, "alice", null);
            awaitOutageSeenBy(userB, JWKS.requests() + 1);
            assertThat(HandshakeProbe.withHeader(port, userA).upgraded()).as("cached key a").isTrue();
            String forged = sign(header(JWSAlgorithm.RS256, "a"), claims("alice", null, null).build(), rsaSigner(KEY_B));
            assertThat(HandshakeProbe.withHeader(port, forged).status()).as("kid a, signed by b").isEqualTo(401);
            ApiClient.Answer serviceB = api.publish(token(KEY_B, "backend", "service"), "room-1",
                    "{\"type\":\"queue:updated\",\"data\":{}}");
            assertThat(serviceB.status()).isEqualTo(503);
            assertThat(serviceB.response().headers().firstValue("Retry-After")).hasValue("1");

            alice.send(Frames.of("auth:refresh", null).id("refresh").data("token", userB).build());
            JsonNode refused = alice.await(frame -> "refresh".equals(frame.path("id").asString()));
            assertThat(refused.path("type").asString()).isEqualTo("error");
            assertThat(refused.path("data").path("code").asString()).isEqualTo("unavailable");
            assertThat(alice.isClosed()).isFalse();

            // Back with key b as well.
            JWKS.mode(JwksServer.Mode.UP, new JWKSet(List.of(KEY_A.toPublicJWK(), KEY_B.toPublicJWK())));
            awaitAccepted(userB);
        }
    }

    private static void assertOutage(HandshakeProbe.Answer answer) {
        assertThat(answer.status()).as("answer %s", answer).isEqualTo(503);
        assertThat(answer.retryAfter()).isEqualTo("1");
        JsonNode body = JSON.readTree(answer.body());
        assertThat(body.path("error").asString()).isEqualTo("unavailable");
        assertThat(body.path("message").asString()).contains("cannot be fetched right now");
    }

    /** Upgrades with {@code token}, each answer the outage's 503, until the key server saw {@code requests}. */
    private void awaitOutageSeenBy(String token, int requests) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        do {
            assertOutage(HandshakeProbe.withHeader(port, token));
            assertThat(System.nanoTime()).as("key server reached within %s", DEADLINE).isLessThan(deadline);
            LockSupport.parkNanos(POLL.toNanos());
        } while (JWKS.requests() < requests);
        assertOutage(HandshakeProbe.withHeader(port, token));
    }

    /** Upgrades with {@code token} until accepted; every refusal meanwhile is the outage's 503, never a 401. */
    private void awaitAccepted(String token) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        HandshakeProbe.Answer answer;
        while (!(answer = HandshakeProbe.withHeader(port, token)).upgraded()) {
            assertOutage(answer);
            assertThat(System.nanoTime()).as("accepted within %s", DEADLINE).isLessThan(deadline);
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    /** Upgrades with {@code token} until refused with 401; every answer before is the outage's 503. */
    private void awaitRefused(String token) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        HandshakeProbe.Answer answer;
        while ((answer = HandshakeProbe.withHeader(port, token)).status() != 401) {
            assertOutage(answer);
            assertThat(System.nanoTime()).as("refused within %s", DEADLINE).isLessThan(deadline);
            LockSupport.parkNanos(POLL.toNanos());
        }
    }

    private static String token(RSAKey key, String sub, String role) {
        var claims = claims(sub, null, null);
        if (role != null) {
            claims.claim("role", role);
        }
        return sign(header(JWSAlgorithm.RS256, key.getKeyID()), claims.build(), rsaSigner(key));
    }

    private static RSAKey rsaKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
