package dev.signalgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.api.ApiClient;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** Removal from a room reaches every node; a narrowed refresh is announced to members on the other node. */
class ClusterAccessRevocationTest {

    static ClusterFixture cluster;

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static TestClient inRoomAndCall(int node, String user, List<String> rooms, String room) {
        TestClient client = TestClient.connected(cluster.port(node), Tokens.forUser(user, null, rooms));
        client.request(Frames.of("chat:join_room", room).id("j").build());
        client.request(Frames.of("webrtc:join_room", room).id("c").build());
        return client;
    }

    /** The user_left and peer_left frames, in whichever order they come. */
    private static void assertLeftRoomAndCall(TestClient peer, String user) {
        Map<String, JsonNode> seen = new HashMap<>();
        while (seen.size() < 2) {
            JsonNode frame = peer.await(f -> f.path("type").asString().equals("chat:user_left")
                    || f.path("type").asString().equals("webrtc:peer_left"));
            seen.put(frame.path("type").asString(), frame);
        }
        assertThat(seen.get("chat:user_left").path("data").path("userId").asString()).isEqualTo(user);
        assertThat(seen.get("webrtc:peer_left").path("from").asString()).isEqualTo(user);
    }

    private static void assertRevoked(TestClient client, String room, String reason) {
        JsonNode revoked = client.awaitType("auth:rooms_revoked");
        assertThat(revoked.path("data").path("rooms").values().stream().map(JsonNode::asString).toList())
                .containsExactly(room);
        assertThat(revoked.path("data").path("reason").asString()).isEqualTo(reason);
    }

    @Test
    void aRemovalOnOneNodeTakesTheUserOutOnEveryNode() {
        String room = "cr-consult";
        try (TestClient doctor = inRoomAndCall(0, "cr-doc", List.of("*"), room);
                TestClient patientHere = inRoomAndCall(0, "cr-pat", List.of(room), room);
                TestClient patientThere = inRoomAndCall(1, "cr-pat", List.of(room), room)) {
            ApiClient.Answer answer = new ApiClient(cluster.port(0)).post(ApiClient.serviceToken("backend", room),
                    "/api/rooms/" + room + "/members/cr-pat/remove");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("removed").asInt()).isEqualTo(2);
            assertRevoked(patientHere, room, "removed");
            assertRevoked(patientThere, room, "removed");
            assertLeftRoomAndCall(doctor, "cr-pat");
            // The node that did not get the request refuses the old token too.
            patientThere.send(Frames.of("chat:join_room", room).id("j2").build());
            assertThat(patientThere.reply("j2").path("data").path("code").asString()).isEqualTo("forbidden");
        }
    }

    @Test
    void aRemovalAskedOfTheOtherNodeCountsTheConnectionsOfBoth() {
        String room = "cr-two";
        try (TestClient doctor = inRoomAndCall(1, "cr-doc2", List.of("*"), room);
                TestClient patient = inRoomAndCall(0, "cr-pat2", List.of(room), room)) {
            ApiClient.Answer answer = new ApiClient(cluster.port(1)).post(ApiClient.serviceToken("backend", room),
                    "/api/rooms/" + room + "/members/cr-pat2/remove");

            assertThat(answer.json().path("removed").asInt()).isEqualTo(1);
            assertRevoked(patient, room, "removed");
            assertLeftRoomAndCall(doctor, "cr-pat2");
            assertThat(new ApiClient(cluster.port(1)).post(ApiClient.serviceToken("backend", room),
                    "/api/rooms/" + room + "/members/cr-pat2/remove").json().path("removed").asInt()).isZero();
        }
    }

    @Test
    void aNarrowedRefreshIsAnnouncedOnTheOtherNode() {
        String room = "cr-refresh";
        try (TestClient doctor = inRoomAndCall(1, "cr-doc3", List.of("*"), room);
                TestClient patient = inRoomAndCall(0, "cr-pat3", List.of(room, "cr-lobby"), room)) {
            patient.send(Frames.of("auth:refresh", null).id("r")
                    .data("token", Tokens.forUser("cr-pat3", null, List.of("cr-lobby"))).build());
            assertRevoked(patient, room, "token_narrowed");
            assertLeftRoomAndCall(doctor, "cr-pat3");
            assertThat(patient.drain(Duration.ofMillis(200)).stream().map(f -> f.path("type").asString()))
                    .doesNotContain("chat:user_left");
        }
    }
}
