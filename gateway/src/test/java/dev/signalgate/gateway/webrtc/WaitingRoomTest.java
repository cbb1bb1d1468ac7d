package dev.signalgate.gateway.webrtc;

import static dev.signalgate.gateway.webrtc.CallClients.connect;
import static dev.signalgate.gateway.webrtc.CallClients.errorCode;
import static dev.signalgate.gateway.webrtc.CallClients.join;
import static dev.signalgate.gateway.webrtc.CallClients.types;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import tools.jackson.databind.JsonNode;

/** The waiting room of {@code consult-*} calls ({@link CallTest}), admitted by {@code doctor}s. */
@CallTest
class WaitingRoomTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @LocalServerPort
    int port;

    @Test
    void aPatientWaitsUntilTheDoctorAdmitsThenIsAPeerLikeAnyOther() {
        String room = "consult-admit";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patient = connect(port, "patient", "patient")) {
            assertThat(join(doctor, room).path("peers").toString()).isEqualTo("[]");

            JsonNode waiting = join(patient, room);
            assertThat(waiting.toString()).isEqualTo("{\"room\":\"" + room + "\",\"status\":\"waiting\"}");
            assertThat(patient.awaitType("webrtc:waiting").path("room").asString()).isEqualTo(room);

            JsonNode request = doctor.awaitType("webrtc:admission_requested");
            assertThat(request.path("room").asString()).isEqualTo(room);
            assertThat(request.path("data").path("userId").asString()).isEqualTo("patient");
            assertThat(request.path("data").path("name").asString()).isEqualTo("Name of patient");
            assertThat(request.path("data").path("role").asString()).isEqualTo("patient");

            JsonNode answered = admit(doctor, room, "patient");
            assertThat(answered.toString()).isEqualTo("{\"room\":\"" + room + "\",\"userId\":\"patient\"}");

            JsonNode admitted = patient.awaitType("webrtc:admitted");
            assertThat(admitted.path("from").asString()).isEqualTo("doctor");
            assertThat(admitted.path("data").path("room").asString()).isEqualTo(room);
            assertThat(admitted.path("data").path("peers").toString()).isEqualTo("[\"doctor\"]");
            assertThat(admitted.path("data").path("roles").path("doctor").asString()).isEqualTo("polite");
            assertThat(admitted.path("data").path("iceServers").get(1).path("username").asString())
                    .matches("\\d+:patient");
            JsonNode joined = doctor.awaitType("webrtc:peer_joined");
            assertThat(joined.path("from").asString()).isEqualTo("patient");
            assertThat(joined.path("data").path("role").asString()).isEqualTo("impolite");

            patient.send(Frames.of("webrtc:offer", room).data("sdp", "v=0 offer").build());
            assertThat(doctor.awaitType("webrtc:offer").path("from").asString()).isEqualTo("patient");
        }
    }

    @Test
    void aDeclinedPatientIsToldAndStaysOutOfTheCallButMayAskAgain() {
        String room = "consult-decline";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patient = connect(port, "patient", "patient")) {
            join(doctor, room);
            join(patient, room);
            doctor.awaitType("webrtc:admission_requested");

            JsonNode answered = doctor.request(Frames.of("webrtc:decline", room).id("d").data("userId", "patient")
                    .build());
            assertThat(answered.path("userId").asString()).isEqualTo("patient");
            JsonNode declined = patient.awaitType("webrtc:declined");
            assertThat(declined.path("room").asString()).isEqualTo(room);
            assertThat(declined.path("from").asString()).isEqualTo("doctor");
            assertThat(errorCode(patient, Frames.of("webrtc:offer", room).id("o").data("sdp", "x").build()))
                    .isEqualTo("not_in_room");
            assertThat(types(doctor.drain(QUIET))).doesNotContain("webrtc:peer_joined");

            assertThat(join(patient, room).path("status").asString()).isEqualTo("waiting");
            assertThat(doctor.awaitType("webrtc:admission_requested").path("data").path("userId").asString())
                    .isEqualTo("patient");
        }
    }

    @Test
    void aWaitingPatientWhoDisconnectsOrLeavesIsDroppedFromTheQueue() {
        String room = "consult-gone";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient second = connect(port, "second", "patient")) {
            join(doctor, room);
            TestClient patient = connect(port, "patient", "patient");
            join(patient, room);
            doctor.awaitType("webrtc:admission_requested");

            patient.abort();
            JsonNode cancelled = doctor.awaitType("webrtc:admission_cancelled");
            assertThat(cancelled.path("data").path("userId").asString()).isEqualTo("patient");
            assertThat(cancelled.path("data").path("reason").asString()).isEqualTo("left");
            assertThat(errorCode(doctor, Frames.of("webrtc:admit", room).id("a").data("userId", "patient").build()))
                    .isEqualTo("peer_not_found");

            join(second, room);
            doctor.awaitType("webrtc:admission_requested");
            assertThat(second.request(Frames.of("webrtc:leave_room", room).id("l").build()).path("room").asString())
                    .isEqualTo(room);
            JsonNode left = doctor.awaitType("webrtc:admission_cancelled");
            assertThat(left.path("data").path("userId").asString()).isEqualTo("second");
            assertThat(errorCode(second, Frames.of("webrtc:leave_room", room).id("l2").build()))
                    .isEqualTo("not_in_room");
        }
    }

    @Test
    void aDoctorWhoJoinsLaterHearsOfThePatientsAlreadyWaiting() {
        String room = "consult-later";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patient = connect(port, "patient", "patient")) {
            assertThat(join(patient, room).path("status").asString()).isEqualTo("waiting");
            assertThat(types(patient.drain(QUIET))).containsExactly("webrtc:waiting");

            JsonNode ack = join(doctor, room);
            assertThat(ack.path("peers").toString()).isEqualTo("[]");
            assertThat(ack.has("status")).isFalse();
            JsonNode request = doctor.awaitType("webrtc:admission_requested");
            assertThat(request.path("data").path("userId").asString()).isEqualTo("patient");

            admit(doctor, room, "patient");
            assertThat(patient.awaitType("webrtc:admitted").path("data").path("peers").toString())
                    .isEqualTo("[\"doctor\"]");
        }
    }

    @Test
    void onlyAnAdmitterInTheCallMayAdmitOrDecline() {
        String room = "consult-forbidden";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patient = connect(port, "patient", "patient");
                TestClient other = connect(port, "other", "patient");
                TestClient doctorElsewhere = connect(port, "doctor-2", "doctor")) {
            join(doctor, room);
            join(patient, room);
            admit(doctor, room, "patient");
            patient.awaitType("webrtc:admitted");
            join(other, room);

            assertThat(errorCode(patient, Frames.of("webrtc:admit", room).id("a1").data("userId", "other").build()))
                    .isEqualTo("forbidden");
            assertThat(errorCode(patient, Frames.of("webrtc:decline", room).id("d1").data("userId", "other")
                    .build())).isEqualTo("forbidden");
            assertThat(errorCode(doctorElsewhere, Frames.of("webrtc:admit", room).id("a2").data("userId", "other")
                    .build())).isEqualTo("not_in_room");
            assertThat(errorCode(doctor, Frames.of("webrtc:admit", room).id("a3").build())).isEqualTo("bad_request");
            assertThat(types(other.drain(QUIET))).doesNotContain("webrtc:admitted", "webrtc:declined");
        }
    }

    @Test
    void admissionIsRefusedWhileTheCallIsFullAndThePatientKeepsWaiting() {
        String room = "consult-full";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patient = connect(port, "patient", "patient");
                TestClient next = connect(port, "next", "patient")) {
            join(doctor, room);
            join(patient, room);
            admit(doctor, room, "patient");
            patient.awaitType("webrtc:admitted");
            join(next, room);
            doctor.await(frame -> "webrtc:admission_requested".equals(frame.path("type").asString())
                    && "next".equals(frame.path("data").path("userId").asString()));

            assertThat(errorCode(doctor, Frames.of("webrtc:admit", room).id("a").data("userId", "next").build()))
                    .isEqualTo("room_full");
            assertThat(types(next.drain(QUIET))).doesNotContain("webrtc:admitted");

            doctor.request(Frames.of("webrtc:decline", room).id("d").data("userId", "next").build());
            next.awaitType("webrtc:declined");
        }
    }

    @Test
    void otherAdmittersHearThatARequestWasAnswered() {
        String room = "consult-two-doctors";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient colleague = connect(port, "colleague", "doctor");
                TestClient patient = connect(port, "patient", "patient")) {
            join(doctor, room);
            join(colleague, room);
            join(patient, room);
            doctor.awaitType("webrtc:admission_requested");
            colleague.awaitType("webrtc:admission_requested");

            doctor.request(Frames.of("webrtc:decline", room).id("d").data("userId", "patient").build());
            JsonNode cancelled = colleague.awaitType("webrtc:admission_cancelled");
            assertThat(cancelled.path("data").path("userId").asString()).isEqualTo("patient");
            assertThat(cancelled.path("data").path("reason").asString()).isEqualTo("declined");
            assertThat(types(doctor.drain(QUIET))).doesNotContain("webrtc:admission_cancelled");
        }
    }

    @Test
    void anAdmittedPatientBackWithinTheGraceSkipsTheWaitingRoom() {
        String room = "consult-back";
        try (TestClient doctor = connect(port, "doctor", "doctor");
                TestClient patientAgain = connect(port, "patient", "patient")) {
            join(doctor, room);
            TestClient patient = connect(port, "patient", "patient");
            join(patient, room);
            admit(doctor, room, "patient");
            patient.awaitType("webrtc:admitted");

            patient.abort();
            doctor.awaitType("webrtc:peer_reconnecting");
            JsonNode ack = join(patientAgain, room);
            assertThat(ack.path("resumed").asBoolean()).isTrue();
            assertThat(ack.has("status")).isFalse();
            assertThat(doctor.awaitType("webrtc:peer_resumed").path("from").asString()).isEqualTo("patient");
            assertThat(types(doctor.drain(QUIET))).doesNotContain("webrtc:admission_requested");
        }
    }

    private static JsonNode admit(TestClient admitter, String room, String user) {
        return admitter.request(Frames.of("webrtc:admit", room).id(CallClients.nextId("admit"))
                .data("userId", user).build());
    }
}
