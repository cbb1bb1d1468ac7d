package dev.signalgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** WebRTC signaling between peers on different nodes, and a call's capacity held across nodes. */
class ClusterCallTest {

    static ClusterFixture cluster;

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(3);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static TestClient client(int node, String user) {
        return TestClient.connected(cluster.port(node), Tokens.forUser(user));
    }

    @Test
    void peersOnDifferentNodesSignalAndTheCapacityHoldsAcrossNodes() {
        String room = "cluster-call-1";
        try (TestClient doctor = client(0, "doctor"); TestClient patient = client(1, "patient");
                TestClient third = client(2, "third")) {
            JsonNode first = doctor.request(Frames.of("webrtc:join_room", room).id("j").build());
            assertThat(first.path("peers").size()).isZero();
            JsonNode second = patient.request(Frames.of("webrtc:join_room", room).id("j").build());
            assertThat(second.path("peers").get(0).asString()).isEqualTo("doctor");
            assertThat(doctor.awaitType("webrtc:peer_joined").path("from").asString()).isEqualTo("patient");

            third.send(Frames.of("webrtc:join_room", room).id("j").build());
            JsonNode refused = third.reply("j");
            assertThat(refused.path("type").asString()).isEqualTo("error");
            assertThat(refused.path("data").path("code").asString()).isEqualTo("room_full");

            doctor.request(Frames.of("webrtc:offer", room).id("o").to("patient").data("sdp", "v=0 offer").build());
            JsonNode offer = patient.awaitType("webrtc:offer");
            assertThat(offer.path("from").asString()).isEqualTo("doctor");
            assertThat(offer.path("data").path("sdp").asString()).isEqualTo("v=0 offer");
            patient.send(Frames.of("webrtc:answer", room).data("sdp", "v=0 answer").build());
            assertThat(doctor.awaitType("webrtc:answer").path("data").path("sdp").asString()).isEqualTo("v=0 answer");

            doctor.send(Frames.of("webrtc:ice_candidate", room).id("x").to("nobody").data("candidate", "c").build());
            assertThat(doctor.reply("x").path("data").path("code").asString()).isEqualTo("peer_not_found");

            patient.request(Frames.of("webrtc:leave_room", room).id("l").build());
            assertThat(doctor.awaitType("webrtc:peer_left").path("from").asString()).isEqualTo("patient");
            // The seat is free again, cluster-wide.
            JsonNode now = third.request(Frames.of("webrtc:join_room", room).id("j2").build());
            assertThat(now.path("peers").get(0).asString()).isEqualTo("doctor");
        }
    }
}
