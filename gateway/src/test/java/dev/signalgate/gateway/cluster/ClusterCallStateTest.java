package dev.signalgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import dev.signalgate.gateway.webrtc.CallClients;
import tools.jackson.databind.JsonNode;

/** {@code webrtc:call_state} across nodes: a chat member on one node sees the call of a peer on another ring. */
class ClusterCallStateTest {

    static ClusterFixture cluster;

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aChatMemberOnAnotherNodeSeesTheCallRingAndEnd() {
        String room = "cluster-ring-1";
        try (TestClient doctor = TestClient.connected(cluster.port(0), Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(cluster.port(1), Tokens.forUser("patient"))) {
            assertThat(chatJoin(patient, room).path("call").path("users").toString()).isEqualTo("[]");

            doctor.request(Frames.of("webrtc:join_room", room).id("j").build());
            assertThat(patient.awaitType("webrtc:call_state").path("data").path("users").toString())
                    .isEqualTo("[\"doctor\"]");

            doctor.request(Frames.of("webrtc:leave_room", room).id("l").build());
            assertThat(patient.awaitType("webrtc:call_state").path("data").path("users").toString())
                    .isEqualTo("[]");
        }
    }

    @Test
    void theChatJoinAckOnAnotherNodeCarriesTheCallStartedThere() {
        String room = "cluster-ring-2";
        try (TestClient doctor = TestClient.connected(cluster.port(0), Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(cluster.port(1), Tokens.forUser("patient"))) {
            doctor.request(Frames.of("webrtc:join_room", room).id("j").build());

            JsonNode ack = chatJoin(patient, room);

            assertThat(ack.path("call").path("users").toString()).isEqualTo("[\"doctor\"]");
        }
    }

    private static JsonNode chatJoin(TestClient client, String room) {
        return client.request(Frames.of("chat:join_room", room).id(CallClients.nextId("chat")).build());
    }
}
