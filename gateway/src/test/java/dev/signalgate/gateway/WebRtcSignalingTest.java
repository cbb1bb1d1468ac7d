package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

@GatewayTest
class WebRtcSignalingTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @LocalServerPort
    int port;

    @Test
    void joiningTheCallListsPeersAndTellsThemWithRoles() {
        String room = "call-join";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("patient"))) {
            JsonNode first = joinCall(doctor, room);
            assertThat(first.path("peers").toString()).isEqualTo("[]");

            JsonNode second = joinCall(patient, room);
            assertThat(second.path("room").asString()).isEqualTo(room);
            assertThat(second.path("peers").toString()).isEqualTo("[\"doctor\"]");
            assertThat(second.path("roles").path("doctor").asString()).isEqualTo("polite");

            JsonNode joined = doctor.awaitType("webrtc:peer_joined");
            assertThat(joined.path("from").asString()).isEqualTo("patient");
            assertThat(joined.path("room").asString()).isEqualTo(room);
            assertThat(joined.path("data").path("role").asString()).isEqualTo("impolite");
        }
    }

    @Test
    void offerWithoutToReachesTheOtherPeerWithFromAndTheSameData() {
        String room = "call-relay";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("patient"))) {
            joinCall(doctor, room);
            joinCall(patient, room);
            doctor.send(Frames.of("webrtc:offer", room).data("sdp", "v=0 offer").build());
            JsonNode offer = patient.awaitType("webrtc:offer");
            assertThat(offer.path("from").asString()).isEqualTo("doctor");
            assertThat(offer.path("room").asString()).isEqualTo(room);
            assertThat(offer.path("data").path("sdp").asString()).isEqualTo("v=0 offer");
            assertThat(offer.has("to")).isFalse();

            patient.send(Frames.of("webrtc:answer", room).to("doctor").id("a1").data("sdp", "v=0 answer").build());
            assertThat(patient.reply("a1").path("type").asString()).isEqualTo("ack");
            assertThat(doctor.awaitType("webrtc:answer").path("data").path("sdp").asString()).isEqualTo("v=0 answer");
            assertThat(ChatRoomTest.types(doctor.drain(QUIET))).doesNotContain("webrtc:offer");
        }
    }

    @Test
    void signalsFromOneSenderArriveInOrder() {
        String room = "call-order";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("patient"))) {
            joinCall(doctor, room);
            joinCall(patient, room);
            int count = 500;
            for (int i = 0; i < count; i++) {
                // Alternate addressed and broadcast signals: both paths must keep one order.
                var frame = Frames.of("webrtc:ice_candidate", room).data("candidate", "c" + i);
                doctor.send((i % 2 == 0 ? frame.to("patient") : frame).build());
            }
            List<JsonNode> received = patient.collect("webrtc:ice_candidate", count);
            for (int i = 0; i < count; i++) {
                assertThat(received.get(i).path("data").path("candidate").asString()).isEqualTo("c" + i);
            }
        }
    }

    @Test
    void signalToAUserNotInTheCallIsPeerNotFound() {
        String room = "call-missing";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"))) {
            joinCall(doctor, room);
            doctor.send(Frames.of("webrtc:offer", room).to("nobody").id("o1").data("sdp", "x").build());
            JsonNode error = doctor.reply("o1");
            assertThat(error.path("type").asString()).isEqualTo("error");
            assertThat(error.path("data").path("code").asString()).isEqualTo("peer_not_found");
        }
    }

    @Test
    void signalWithoutJoiningTheCallIsNotInRoom() {
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"))) {
            doctor.send(Frames.of("webrtc:offer", "call-none").id("o1").data("sdp", "x").build());
            assertThat(doctor.reply("o1").path("data").path("code").asString()).isEqualTo("not_in_room");
        }
    }

    @Test
    void aThirdUserFindsTheConsultationFullButASecondDeviceOfAPeerDoesNot() {
        String room = "call-full";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("patient"));
                TestClient intruder = TestClient.connected(port, Tokens.forUser("intruder"));
                TestClient doctorPhone = TestClient.connected(port, Tokens.forUser("doctor"))) {
            joinCall(doctor, room);
            joinCall(patient, room);
            intruder.send(Frames.of("webrtc:join_room", room).id("j").build());
            assertThat(intruder.reply("j").path("data").path("code").asString()).isEqualTo("room_full");
            assertThat(joinCall(doctorPhone, room).path("peers").toString()).isEqualTo("[\"patient\"]");
        }
    }

    @Test
    void leavingOrDisconnectingTellsThePeersPeerLeft() {
        String room = "call-leave";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"))) {
            joinCall(doctor, room);
            TestClient patient = TestClient.connected(port, Tokens.forUser("patient"));
            joinCall(patient, room);
            doctor.awaitType("webrtc:peer_joined");
            patient.request(Frames.of("webrtc:leave_room", room).id("l").build());
            assertThat(doctor.awaitType("webrtc:peer_left").path("from").asString()).isEqualTo("patient");

            joinCall(patient, room);
            doctor.awaitType("webrtc:peer_joined");
            patient.abort();
            assertThat(doctor.awaitType("webrtc:peer_left").path("from").asString()).isEqualTo("patient");
        }
    }

    @Test
    void theCallIsSeparateFromTheChatRoom() {
        String room = "call-separate";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("patient"))) {
            doctor.request(Frames.of("chat:join_room", room).id("c").build());
            joinCall(patient, room);
            patient.send(Frames.of("webrtc:offer", room).id("o").data("sdp", "x").build());
            assertThat(patient.reply("o").path("type").asString()).isEqualTo("ack");
            assertThat(ChatRoomTest.types(doctor.drain(QUIET))).doesNotContain("webrtc:offer");
        }
    }

    private static JsonNode joinCall(TestClient client, String room) {
        return client.request(Map.of("type", "webrtc:join_room", "room", room, "id", "join-" + room));
    }
}
