package dev.signalgate.gateway.webrtc;

import static dev.signalgate.gateway.webrtc.CallClients.connect;
import static dev.signalgate.gateway.webrtc.CallClients.join;
import static dev.signalgate.gateway.webrtc.CallClients.nextId;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import tools.jackson.databind.JsonNode;

/** A call that rings: the room's chat members learn who is in its call without joining it ({@link CallTest}). */
@CallTest
class CallStateTest {

    @LocalServerPort
    int port;

    @Test
    void chatMembersSeeTheCallStartAndEndWithoutJoiningIt() {
        String room = "ring-1";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patient = connect(port, "patient", "patient")) {
            JsonNode before = chatJoin(patient, room);
            assertThat(before.path("call").path("users").toString()).isEqualTo("[]");

            join(doctor, room);
            JsonNode ringing = patient.awaitType("webrtc:call_state");
            assertThat(ringing.path("room").asString()).isEqualTo(room);
            assertThat(ringing.path("data").path("users").toString()).isEqualTo("[\"doctor\"]");

            doctor.request(Frames.of("webrtc:leave_room", room).id(nextId("leave")).build());
            assertThat(patient.awaitType("webrtc:call_state").path("data").path("users").toString()).isEqualTo("[]");
        }
    }

    @Test
    void theChatJoinAckCarriesTheCurrentCallAndTheMembersNames() {
        String room = "ring-2";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patient = connect(port, "patient", "patient")) {
            chatJoin(doctor, room);
            join(doctor, room);

            JsonNode ack = chatJoin(patient, room);

            assertThat(ack.path("call").path("users").toString()).isEqualTo("[\"doctor\"]");
            assertThat(ack.path("names").path("doctor").asString()).isEqualTo("Name of doctor");
            assertThat(ack.path("names").path("patient").asString()).isEqualTo("Name of patient");
            JsonNode joined = doctor.awaitType("chat:user_joined");
            assertThat(joined.path("data").path("name").asString()).isEqualTo("Name of patient");
        }
    }

    @Test
    void messagesCarryTheSendersName() {
        String room = "ring-3";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patient = connect(port, "patient", "patient")) {
            chatJoin(doctor, room);
            chatJoin(patient, room);

            doctor.request(Frames.of("chat:send_message", room).id(nextId("send")).data("tempId", "t-1")
                    .data("body", "Good morning").build());

            JsonNode message = patient.awaitType("chat:message");
            assertThat(message.path("from").asString()).isEqualTo("doctor");
            assertThat(message.path("data").path("name").asString()).isEqualTo("Name of doctor");
        }
    }

    @Test
    void aWaitingPatientIsNotInTheCallUntilAdmitted() {
        String room = "consult-ring";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patient = connect(port, "patient", "patient");
                TestClient nurse = connect(port, "nurse", "nurse")) {
            chatJoin(nurse, room);
            join(doctor, room);
            assertThat(nurse.awaitType("webrtc:call_state").path("data").path("users").toString())
                    .isEqualTo("[\"doctor\"]");

            assertThat(join(patient, room).path("status").asString()).isEqualTo("waiting");
            doctor.awaitType("webrtc:admission_requested");
            doctor.request(Frames.of("webrtc:admit", room).id(nextId("admit")).data("userId", "patient").build());
            patient.awaitType("webrtc:admitted");

            // The first state the nurse sees after the doctor's has both: waiting never counted.
            assertThat(nurse.awaitType("webrtc:call_state").path("data").path("users").toString())
                    .isEqualTo("[\"doctor\",\"patient\"]");
        }
    }

    private static JsonNode chatJoin(TestClient client, String room) {
        return client.request(Frames.of("chat:join_room", room).id(nextId("chat")).build());
    }
}
