package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

@GatewayTest
class HandshakeTest {

    @LocalServerPort
    int port;

    @Test
    void validTokenInHeaderGetsWelcomeWithUserAndConnectionIds() {
        try (TestClient client = TestClient.connect(port, Tokens.forUser("alice"))) {
            JsonNode welcome = client.expect("welcome");
            assertThat(welcome.path("data").path("userId").asString()).isEqualTo("alice");
            assertThat(welcome.path("data").path("connectionId").asString()).isNotEmpty();
        }
    }

    @Test
    void validTokenInQueryParameterIsAccepted() {
        try (TestClient client = TestClient.connectWithQueryToken(port, Tokens.forUser("bob"))) {
            assertThat(client.expect("welcome").path("data").path("userId").asString()).isEqualTo("bob");
        }
    }

    @Test
    void eachConnectionGetsItsOwnId() {
        try (TestClient first = TestClient.connect(port, Tokens.forUser("carol"));
                TestClient second = TestClient.connect(port, Tokens.forUser("carol"))) {
            assertThat(first.expect("welcome").path("data").path("connectionId").asString())
                    .isNotEqualTo(second.expect("welcome").path("data").path("connectionId").asString());
        }
    }

    @Test
    void missingTokenIsRefusedWith401() {
        assertRefused(null, 401);
    }

    @Test
    void tokenSignedWithAnotherSecretIsRefusedWith401() throws Exception {
        assertRefused(signed(JWSAlgorithm.HS256, "another-secret-that-is-also-long-enough-0123456789",
                claims().build()), 401);
    }

    @Test
    void expiredTokenIsRefusedWith401() throws Exception {
        assertRefused(signed(JWSAlgorithm.HS256, Tokens.SECRET,
                claims().expirationTime(Date.from(Instant.now().minusSeconds(600))).build()), 401);
    }

    @Test
    void tokenWithoutExpIsRefusedWith401() throws Exception {
        assertRefused(signed(JWSAlgorithm.HS256, Tokens.SECRET,
                new JWTClaimsSet.Builder().subject("mallory").claim("rooms", List.of("*")).build()), 401);
    }

    @Test
    void tokenWithoutSubIsRefusedWith401() throws Exception {
        assertRefused(signed(JWSAlgorithm.HS256, Tokens.SECRET, new JWTClaimsSet.Builder()
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build()), 401);
    }

    @Test
    void unsignedTokenWithAlgNoneIsRefusedWith401() {
        assertRefused(new PlainJWT(claims().build()).serialize(), 401);
    }

    @Test
    void tokenSignedWithAnUnpinnedAlgorithmIsRefusedWith401() throws Exception {
        String secret = Tokens.SECRET + Tokens.SECRET;
        assertRefused(signed(JWSAlgorithm.HS512, secret, claims().build()), 401);
    }

    @Test
    void tokenNotYetValidIsRefusedWith401() throws Exception {
        assertRefused(signed(JWSAlgorithm.HS256, Tokens.SECRET,
                claims().notBeforeTime(Date.from(Instant.now().plusSeconds(600))).build()), 401);
    }

    @Test
    void garbageTokenIsRefusedWith401() {
        assertRefused("not.a.jwt", 401);
    }

    @Test
    void refusalNamesTheReasonWithoutEchoingTheToken() throws Exception {
        String token = signed(JWSAlgorithm.HS256, Tokens.SECRET,
                claims().expirationTime(Date.from(Instant.now().minusSeconds(600))).build());
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/ws")).header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("\"error\":\"unauthorized\"").contains("Expired");
        assertThat(response.body()).doesNotContain(token.substring(0, 20));
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                value -> assertThat(value).startsWith("Bearer"));
    }

    @Test
    void originNotOnTheListIsRefusedWith403() {
        assertThatThrownBy(() -> TestClient.connect(port, Tokens.forUser("alice"),
                Map.of("Origin", "https://evil.example")))
                .isInstanceOfSatisfying(TestClient.HandshakeRefused.class,
                        refused -> assertThat(refused.status()).isEqualTo(403));
    }

    @Test
    void originThatOnlyContainsAnAllowedOneIsRefusedWith403() {
        assertThatThrownBy(() -> TestClient.connect(port, Tokens.forUser("alice"),
                Map.of("Origin", "https://clinic.example.evil.example")))
                .isInstanceOfSatisfying(TestClient.HandshakeRefused.class,
                        refused -> assertThat(refused.status()).isEqualTo(403));
    }

    @Test
    void allowedOriginIsAccepted() {
        try (TestClient client = TestClient.connect(port, Tokens.forUser("alice"),
                Map.of("Origin", "https://clinic.example"))) {
            client.expect("welcome");
        }
    }

    @Test
    void healthAnswersUp() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }

    @Test
    void theDemoPageAndTheJsAdapterAreServed() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> demo = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/demo/")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(demo.statusCode()).isEqualTo(200);
        assertThat(demo.body()).contains("<html");
        HttpResponse<String> adapter = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/client/gateway-client.js")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(adapter.statusCode()).isEqualTo(200);
        assertThat(adapter.body()).contains("export");
    }

    private void assertRefused(String token, int status) {
        assertThatThrownBy(() -> TestClient.connect(port, token))
                .isInstanceOfSatisfying(TestClient.HandshakeRefused.class,
                        refused -> assertThat(refused.status()).isEqualTo(status));
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("mallory").claim("rooms", List.of("*"))
                .expirationTime(Date.from(Instant.now().plusSeconds(600)));
    }

    private static String signed(JWSAlgorithm algorithm, String secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
