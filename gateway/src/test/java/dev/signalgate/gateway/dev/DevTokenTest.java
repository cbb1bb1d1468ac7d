package dev.signalgate.gateway.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import dev.signalgate.gateway.auth.DevSecret;
import dev.signalgate.gateway.auth.JwtTokenVerifier;
import dev.signalgate.gateway.auth.SigningKeys;
import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.config.GatewayProperties;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The development-mode gateway's token endpoint and start-up hints. */
@ExtendWith(OutputCaptureExtension.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=",
        "gateway.data-dir=${java.io.tmpdir}/signalgate-devtoken-${random.uuid}"})
class DevTokenTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    GatewayProperties properties;

    @Test
    void mintsForLoopbackWithTheRoomsAsked() throws Exception {
        UserPrincipal alice = verify(fetch("/dev/token?sub=alice&name=Alice&rooms=consult-*,lobby"));

        assertThat(alice.userId()).isEqualTo("alice");
        assertThat(alice.name()).isEqualTo("Alice");
        assertThat(alice.rooms().allows("consult-42")).isTrue();
        assertThat(alice.rooms().allows("lobby")).isTrue();
        assertThat(alice.rooms().allows("other")).isFalse();
    }

    @Test
    void anEmptyOrMissingRoomsParameterGrantsNoRoom() throws Exception {
        assertThat(verify(fetch("/dev/token?sub=bob&rooms=")).rooms().allows("lobby")).isFalse();
        assertThat(verify(fetch("/dev/token?sub=bob")).rooms().allows("lobby")).isFalse();
    }

    @Test
    void refusesRequestsFromOtherMachinesUnlessConfigured(@Autowired SigningKeys keys) {
        MockServerHttpRequest remote = MockServerHttpRequest.get("/dev/token?sub=eve")
                .remoteAddress(new InetSocketAddress("192.0.2.7", 50000)).build();

        ResponseEntity<Map<String, Object>> refused = new DevTokenController(keys, false)
                .token(remote, "eve", null, null, "*");
        ResponseEntity<Map<String, Object>> allowed = new DevTokenController(keys, true)
                .token(remote, "eve", null, null, "*");

        assertThat(refused.getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(refused.getBody()).containsEntry("error", "forbidden");
        assertThat(String.valueOf(refused.getBody().get("message"))).contains("GATEWAY_DEV_TOKEN_ALLOW_REMOTE");
        assertThat(allowed.getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void theStartUpLogNamesTheDemoPageAndTheTokenEndpoint(CapturedOutput output) {
        assertThat(output.getAll()).contains("http://localhost:" + port + "/demo/",
                "http://localhost:" + port + "/dev/token?");
    }

    private String fetch(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        return body.get("token").asString();
    }

    private UserPrincipal verify(String token) {
        byte[] secret = DevSecret.load(properties.dataDir()).orElseThrow().getBytes(StandardCharsets.UTF_8);
        return JwtTokenVerifier.hs256(secret, null, null, Duration.ofSeconds(30), 8192).verify(token).block();
    }
}
