package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import dev.signalgate.gateway.webrtc.CallTest;
import tools.jackson.databind.JsonNode;

/**
 * Calls over real WebSocket clients: joining, roles, relay, capacity, leaving, ICE servers, and peers whose socket
 * drops ({@link CallTest}: a 2 s reconnect grace). The waiting room is in {@code webrtc.WaitingRoomTest}.
 */
@CallTest
class WebRtcSignalingTest {

    private static final Duration GRACE = Duration.ofSeconds(CallTest.GRACE_SECONDS);

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
            // Within the connection's burst allowance (gateway.limits.rate-burst, 100 by default), join included.
            int count = 90;
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

    @Test
    void joinAckCarriesStunAndTurnWithCredentialsMintedForTheJoiningUser() throws Exception {
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"))) {
            long before = Instant.now().getEpochSecond();
            JsonNode servers = joinCall(doctor, "call-ice").path("iceServers");

            assertThat(servers.size()).isEqualTo(2);
            assertThat(servers.get(0).toString()).isEqualTo("{\"urls\":[\"" + CallTest.STUN_URL + "\"]}");
            JsonNode turn = servers.get(1);
            assertThat(turn.path("urls").toString())
                    .isEqualTo("[\"" + CallTest.TURN_URL + "\",\"" + CallTest.TURNS_URL + "\"]");
            String username = turn.path("username").asString();
            assertThat(username).matches("\\d+:doctor");
            long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
            assertThat(expiry).isBetween(before + 3600 - 5, Instant.now().getEpochSecond() + 3600 + 5);
            assertThat(turn.path("credential").asString()).isEqualTo(hmacSha1Base64(CallTest.TURN_SECRET, username));
        }
    }

    @Test
    void endOfCandidatesIsRelayedUntouchedLikeAnyCandidate() {
        String room = "call-end-of-candidates";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("patient"))) {
            joinCall(doctor, room);
            joinCall(patient, room);

            doctor.send(Frames.of("webrtc:ice_candidate", room).to("patient").data("candidate", null).build());
            assertThat(patient.awaitType("webrtc:ice_candidate").path("data").toString())
                    .isEqualTo("{\"candidate\":null}");

            Map<String, Object> empty = new LinkedHashMap<>();
            empty.put("candidate", "");
            empty.put("sdpMid", "0");
            empty.put("sdpMLineIndex", 0);
            doctor.send(Frames.of("webrtc:ice_candidate", room).id("eoc").data("candidate", empty).build());
            assertThat(doctor.reply("eoc").path("type").asString()).isEqualTo("ack");
            JsonNode relayed = patient.awaitType("webrtc:ice_candidate");
            assertThat(relayed.path("data").toString())
                    .isEqualTo("{\"candidate\":{\"candidate\":\"\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}}");
            assertThat(relayed.path("from").asString()).isEqualTo("doctor");
        }
    }

    @Test
    void anAnswerToAPeerThatLeftIsPeerNotFound() {
        String room = "call-gone";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("patient"))) {
            joinCall(doctor, room);
            joinCall(patient, room);
            patient.request(Frames.of("webrtc:leave_room", room).id("l").build());
            doctor.awaitType("webrtc:peer_left");

            doctor.send(Frames.of("webrtc:answer", room).to("patient").id("a").data("sdp", "v=0").build());
            JsonNode error = doctor.reply("a");
            assertThat(error.path("type").asString()).isEqualTo("error");
            assertThat(error.path("data").path("code").asString()).isEqualTo("peer_not_found");
        }
    }

    @Test
    void aSignalToAPeerThatIsReconnectingIsPeerNotFound() {
        String room = "call-gone-reconnecting";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"))) {
            joinResumable(doctor, room);
            TestClient patient = TestClient.connected(port, Tokens.forUser("patient"));
            joinResumable(patient, room);
            patient.abort();
            doctor.awaitType("webrtc:peer_reconnecting");

            doctor.send(Frames.of("webrtc:ice_candidate", room).to("patient").id("c").data("candidate", "x").build());
            JsonNode error = doctor.reply("c");
            assertThat(error.path("data").path("code").asString()).isEqualTo("peer_not_found");
            assertThat(error.path("data").path("message").asString()).contains("reconnecting");
        }
    }

    @Test
    void leavingOnPurposeEndsThePlaceAtOnceWithoutReconnecting() {
        String room = "call-hang-up";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("patient"))) {
            joinResumable(doctor, room);
            joinResumable(patient, room);
            patient.request(Frames.of("webrtc:leave_room", room).id("l").build());
            JsonNode next = doctor.await(frame -> frame.path("type").asString().startsWith("webrtc:peer_")
                    && !frame.path("type").asString().equals("webrtc:peer_joined"));
            assertThat(next.path("type").asString()).isEqualTo("webrtc:peer_left");
        }
    }

    @Test
    void aPeerWhoseSocketDropsIsReconnectingAndResumesWithinTheGraceKeepingItsSeat() {
        String room = "call-resume";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patientAgain = TestClient.connected(port, Tokens.forUser("patient"));
                TestClient intruder = TestClient.connected(port, Tokens.forUser("intruder"))) {
            joinResumable(doctor, room);
            TestClient patient = TestClient.connected(port, Tokens.forUser("patient"));
            joinResumable(patient, room);
            doctor.awaitType("webrtc:peer_joined");

            patient.abort();
            JsonNode reconnecting = doctor.awaitType("webrtc:peer_reconnecting");
            assertThat(reconnecting.path("from").asString()).isEqualTo("patient");
            assertThat(reconnecting.path("room").asString()).isEqualTo(room);

            intruder.send(Frames.of("webrtc:join_room", room).id("j").build());
            assertThat(intruder.reply("j").path("data").path("code").asString()).isEqualTo("room_full");

            JsonNode ack = joinResumable(patientAgain, room);
            assertThat(ack.path("resumed").asBoolean()).isTrue();
            assertThat(ack.path("peers").toString()).isEqualTo("[\"doctor\"]");
            assertThat(ack.path("roles").path("doctor").asString()).isEqualTo("polite");
            JsonNode resumed = doctor.awaitType("webrtc:peer_resumed");
            assertThat(resumed.path("from").asString()).isEqualTo("patient");
            assertThat(resumed.path("data").path("role").asString()).isEqualTo("impolite");

            // The grace timer is cancelled: no peer_left (nor a second peer_joined) once it would have ended.
            List<String> later = ChatRoomTest.types(doctor.drain(GRACE.plusSeconds(1)));
            assertThat(later).doesNotContain("webrtc:peer_left", "webrtc:peer_joined");
            patientAgain.send(Frames.of("webrtc:offer", room).id("o").data("sdp", "v=0 restart").build());
            assertThat(patientAgain.reply("o").path("type").asString()).isEqualTo("ack");
            assertThat(doctor.awaitType("webrtc:offer").path("data").path("sdp").asString()).isEqualTo("v=0 restart");
        }
    }

    @Test
    void aPeerThatStaysAwayPastTheGraceLeavesAndFreesItsSeat() {
        String room = "call-grace-over";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patientAgain = TestClient.connected(port, Tokens.forUser("patient"));
                TestClient other = TestClient.connected(port, Tokens.forUser("other"))) {
            joinResumable(doctor, room);
            TestClient patient = TestClient.connected(port, Tokens.forUser("patient"));
            joinResumable(patient, room);
            patient.abort();
            doctor.awaitType("webrtc:peer_reconnecting");
            long dropped = System.nanoTime();

            JsonNode left = doctor.awaitType("webrtc:peer_left");
            assertThat(left.path("from").asString()).isEqualTo("patient");
            assertThat(Duration.ofNanos(System.nanoTime() - dropped)).isGreaterThan(GRACE.minusMillis(500));

            JsonNode ack = joinResumable(other, room);
            assertThat(ack.has("resumed")).isFalse();
            assertThat(doctor.awaitType("webrtc:peer_joined").path("from").asString()).isEqualTo("other");
            patientAgain.send(Frames.of("webrtc:join_room", room).id("j").build());
            assertThat(patientAgain.reply("j").path("data").path("code").asString()).isEqualTo("room_full");
        }
    }

    @Test
    void peersThatBothDroppedResumeTheCallOneAfterTheOther() {
        String room = "call-both-dropped";
        try (TestClient doctorAgain = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patientAgain = TestClient.connected(port, Tokens.forUser("patient"))) {
            TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
            TestClient patient = TestClient.connected(port, Tokens.forUser("patient"));
            joinResumable(doctor, room);
            joinResumable(patient, room);
            doctor.abort();
            patient.awaitType("webrtc:peer_reconnecting");
            patient.abort();

            JsonNode first = joinResumable(doctorAgain, room);
            assertThat(first.path("resumed").asBoolean()).isTrue();
            assertThat(first.path("roles").path("patient").asString()).isEqualTo("impolite");
            if (first.path("peers").isEmpty()) {
                // The gateway had seen the patient's socket go too: the patient holds its seat, away.
                assertThat(first.path("reconnecting").toString()).isEqualTo("[\"patient\"]");
            } else {
                // It had not yet: the patient was still there, and its drop follows.
                assertThat(first.path("peers").toString()).isEqualTo("[\"patient\"]");
                assertThat(doctorAgain.awaitType("webrtc:peer_reconnecting").path("from").asString())
                        .isEqualTo("patient");
            }

            JsonNode second = joinCall(patientAgain, room);
            assertThat(second.path("resumed").asBoolean()).isTrue();
            assertThat(second.path("peers").toString()).isEqualTo("[\"doctor\"]");
            assertThat(second.has("reconnecting")).isFalse();
            assertThat(doctorAgain.awaitType("webrtc:peer_resumed").path("from").asString()).isEqualTo("patient");
        }
    }

    @Test
    void aSecondDeviceDroppingDoesNotMakeItsUserReconnect() {
        String room = "call-second-device";
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("patient"))) {
            joinCall(doctor, room);
            joinCall(patient, room);
            TestClient patientPhone = TestClient.connected(port, Tokens.forUser("patient"));
            joinCall(patientPhone, room);
            patientPhone.abort();
            assertThat(ChatRoomTest.types(doctor.drain(QUIET)))
                    .doesNotContain("webrtc:peer_reconnecting", "webrtc:peer_left");
        }
    }

    private static String hmacSha1Base64(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }

    private static JsonNode joinCall(TestClient client, String room) {
        return client.request(Map.of("type", "webrtc:join_room", "room", room, "id", "join-" + room));
    }

    /** Joins as the JS adapter does, keeping the seat through a dropped socket for the reconnect grace. */
    private static JsonNode joinResumable(TestClient client, String room) {
        return client.request(Frames.of("webrtc:join_room", room).id("join-" + room).data("resumable", true).build());
    }
}
