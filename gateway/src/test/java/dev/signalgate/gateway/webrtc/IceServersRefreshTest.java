package dev.signalgate.gateway.webrtc;

import static dev.signalgate.gateway.webrtc.CallClients.join;
import static dev.signalgate.gateway.webrtc.CallClients.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** TURN credentials that live 2 s, so that a call outlives them and gets fresh ones every 1.6 s. */
@GatewayTest
@TestPropertySource(properties = {
        "gateway.turn.urls=turn:turn.clinic.example:3478",
        "gateway.turn.secret=" + IceServersRefreshTest.SECRET,
        "gateway.turn.ttl=2s"})
class IceServersRefreshTest {

    static final String SECRET = "short-lived-turn-secret";

    @LocalServerPort
    int port;

    @Autowired
    WebRtcHandler handler;

    @Test
    void aPeerInACallGetsFreshCredentialsBeforeTheOldOnesExpireUntilItLeaves() throws Exception {
        String room = "call-refresh";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"))) {
            JsonNode first = join(doctor, room).path("iceServers");
            assertThat(first.size()).as("no STUN configured: only the TURN entry").isEqualTo(1);
            long firstExpiry = expiry(first.get(0));

            JsonNode pushed = doctor.awaitType("webrtc:ice_servers");
            assertThat(pushed.path("room").asString()).isEqualTo(room);
            assertThat(pushed.has("from")).isFalse();
            JsonNode turn = pushed.path("data").path("iceServers").get(0);
            assertThat(turn.path("urls").toString()).isEqualTo("[\"turn:turn.clinic.example:3478\"]");
            assertThat(expiry(turn)).isGreaterThan(firstExpiry);
            assertThat(turn.path("username").asString()).endsWith(":doctor");
            assertThat(turn.path("credential").asString())
                    .isEqualTo(hmacSha1Base64(SECRET, turn.path("username").asString()));
            assertThat(expiry(doctor.awaitType("webrtc:ice_servers").path("data").path("iceServers").get(0)))
                    .isGreaterThan(expiry(turn));

            doctor.request(Frames.of("webrtc:leave_room", room).id("l").build());
            assertThat(types(doctor.drain(Duration.ofMillis(2500)))).doesNotContain("webrtc:ice_servers");
        }
    }

    @Test
    void aDisconnectedPeersRefreshStops() throws Exception {
        TestClient patient = TestClient.connected(port, Tokens.forUser("patient"));
        join(patient, "call-refresh-drop");
        assertThat(handler.roster().runningRefreshes()).isPositive();

        patient.abort();
        await().atMost(TestClient.TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(handler.roster().runningRefreshes())
                        .as("ICE server refreshes still running after the peer disconnected").isZero());
    }

    private static long expiry(JsonNode turn) {
        String username = turn.path("username").asString();
        return Long.parseLong(username.substring(0, username.indexOf(':')));
    }

    private static String hmacSha1Base64(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
