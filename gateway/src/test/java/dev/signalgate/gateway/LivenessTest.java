package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.RawWebSocket;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** Dead peers are found by pings; expired tokens end their sessions unless refreshed. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.jwt.clock-skew=0s",
        "gateway.data-dir=${java.io.tmpdir}/signalgate-liveness-${random.uuid}",
        "gateway.liveness.ping-interval=300ms",
        "gateway.liveness.ping-timeout=300ms",
        "gateway.call.reconnect-grace=0s"})
class LivenessTest {

    @LocalServerPort
    int port;

    @Test
    void aPeerThatStopsAnsweringPingsIsClosedAndLeavesItsRoomsAndCalls() throws Exception {
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"))) {
            doctor.request(Frames.of("chat:join_room", "dead-peer").id("j").build());
            doctor.request(Frames.of("webrtc:join_room", "dead-peer").id("c").build());
            try (RawWebSocket patient = RawWebSocket.upgrade(port, Tokens.forUser("patient"))) {
                patient.sendText("{\"type\":\"chat:join_room\",\"room\":\"dead-peer\"}");
                patient.sendText("{\"type\":\"webrtc:join_room\",\"room\":\"dead-peer\"}");
                doctor.awaitType("webrtc:peer_joined");
                // From here on the patient never answers a ping.
                JsonNode left = doctor.awaitType("chat:user_left");
                assertThat(left.path("data").path("userId").asString()).isEqualTo("patient");
                assertThat(doctor.awaitType("webrtc:peer_left").path("from").asString()).isEqualTo("patient");
                assertThat(patient.awaitClosedByServer()).isTrue();
            }
        }
    }

    @Test
    void aClientThatAnswersPingsStaysConnectedPastManyIntervals() {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("alive"))) {
            client.request(Frames.of("chat:join_room", "alive").id("j").build());
            assertThat(client.drain(Duration.ofSeconds(2))).isEmpty();
            assertThat(client.isClosed()).isFalse();
            assertThat(client.request(Frames.of("chat:leave_room", "alive").id("l").build()).path("room").asString())
                    .isEqualTo("alive");
        }
    }

    @Test
    void aTokenThatExpiresDuringTheSessionClosesItWith1008() throws Exception {
        try (TestClient client = TestClient.connected(port, token("brief", Duration.ofSeconds(2)))) {
            client.request(Frames.of("chat:join_room", "expiry").id("j").build());
            assertThat(client.awaitCloseCode()).isEqualTo(1008);
        }
    }

    @Test
    void aRefreshedTokenKeepsTheSessionOpenPastTheFirstExpiry() throws Exception {
        try (TestClient client = TestClient.connected(port, token("renewed", Duration.ofSeconds(2)))) {
            JsonNode ack = client.request(Frames.of("auth:refresh", null).id("r")
                    .data("token", token("renewed", Duration.ofHours(1))).build());
            assertThat(ack.path("exp").asLong()).isGreaterThan(Instant.now().plusSeconds(3000).getEpochSecond());
            assertThat(client.drain(Duration.ofSeconds(3))).isEmpty();
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void aRefreshForAnotherUserIsForbiddenAndChangesNothing() throws Exception {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("owner"))) {
            client.send(Frames.of("auth:refresh", null).id("r").data("token", Tokens.forUser("intruder")).build());
            JsonNode refused = client.reply("r");
            assertThat(refused.path("data").path("code").asString()).isEqualTo("forbidden");
            assertThat(client.isClosed()).isFalse();
        }
    }

    private static String token(String user, Duration ttl) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
                .subject(user).claim("rooms", List.of("*")).expirationTime(Date.from(Instant.now().plus(ttl)))
                .build());
        jwt.sign(new MACSigner(Tokens.SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
