package dev.signalgate.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A call that rings, on the demo page: the doctor starts the call and the patient, only in the room's chat, sees
 * "Dr. Alice Meyer is calling" with Join and Decline (from webrtc:call_state and the join ack's call), still after a
 * reload (the session is kept in sessionStorage), and a reload in the call takes the call back; everyone is shown by
 * name, the call's state in words, and neither page logs a console error.
 */
class RingingBrowserIT extends DoctorAndPatientBrowsers {

    private static final String ROOM = "consult-ringing";
    private static final String DOCTOR = "Dr. Alice Meyer";
    private static final String PATIENT = "Paula Patient";
    private static final Duration CONNECT = Duration.ofSeconds(45);
    /** RTCPeerConnection's connectionState values: nothing a patient should read. */
    private static final List<String> RAW_STATES = List.of("new", "connecting", "connected", "disconnected",
            "failed", "closed", "Call: new");

    @BeforeAll
    static void startGateway() {
        startGatewayAndBrowsers("ringing");
    }

    @Test
    void thePatientSeesTheDoctorCallingByNameAndJoinsOrDeclines() {
        DemoPage doctor = new DemoPage(doctorBrowser).open(gateway.baseUri()).enter(DOCTOR, "doctor", ROOM);
        DemoPage patient = new DemoPage(patientBrowser).open(gateway.baseUri()).enter(PATIENT, "patient", ROOM);

        // Names, not ids, in the member list and on messages.
        doctor.await("the patient by name among the members", DemoPage.WAIT,
                d -> doctor.memberNames().contains(PATIENT));
        assertThat(doctor.memberNames()).contains(DOCTOR + " (you)").noneMatch(name -> name.contains("doctor-"));
        patient.await("the doctor by name among the members", DemoPage.WAIT,
                d -> patient.memberNames().contains(DOCTOR));
        doctor.send("I will call you now");
        patient.awaitMessage("I will call you now", "confirmed", DemoPage.WAIT);
        assertThat(patient.authorOf("I will call you now")).isEqualTo(DOCTOR);
        assertThat(patient.ringing()).as("no call yet").isNull();

        doctor.startCall();
        patient.awaitRinging(DOCTOR + " is calling");
        assertThat(doctor.ringing()).as("the caller's own page does not ring").isNull();
        patientBrowser.screenshot("ringing-patient-banner");

        // A reload keeps the room (sessionStorage) and the join ack's call rings again.
        patient.reload();
        patient.awaitRinging(DOCTOR + " is calling");
        assertThat(patient.memberNames()).contains(DOCTOR, PATIENT + " (you)");

        doctor.recordCallStateTexts();
        patient.recordCallStateTexts();

        // Declined: hidden until the call's users change; the doctor calling again rings again.
        patient.declineRinging();
        patient.awaitNoRinging();
        doctor.hangUp();
        doctor.awaitCallState("idle", DemoPage.WAIT);
        assertThat(doctor.callStateText()).isEqualTo("Not in a call");
        doctor.startCall();
        patient.awaitRinging(DOCTOR + " is calling");

        patient.answerRinging();
        patient.awaitNoRinging();
        doctor.awaitCallState("connected", CONNECT);
        patient.awaitCallState("connected", CONNECT);
        assertThat(patient.callStateText()).isEqualTo("Connected");
        assertThat(doctor.callStateText()).isEqualTo("Connected");
        patient.await("the doctor's name on the remote video", DemoPage.WAIT,
                d -> patient.remoteLabel().equals(DOCTOR));
        doctor.await("the patient's name on the remote video", DemoPage.WAIT,
                d -> doctor.remoteLabel().equals(PATIENT));

        // A reload in the call joins it again (afresh: the old page's peer connections are gone), without a ring.
        patient.reload();
        patient.awaitCallState("connected", CONNECT);
        doctor.awaitCallState("connected", CONNECT);
        assertThat(patient.ringing()).as("no ring for a call this page is in").isNull();
        patient.recordCallStateTexts();

        doctor.hangUp();
        patient.await("the call to end for the patient", DemoPage.WAIT,
                d -> patient.remoteLabel().equals("The other party left"));
        patient.await("the patient told who is missing", DemoPage.WAIT,
                d -> patient.callStateText().equals("Waiting for the other party to join"));
        for (DemoPage page : new DemoPage[] {doctor, patient}) {
            assertThat(page.callStateTextsShown()).as("what the call state said on " + page.displayName())
                    .isNotEmpty().doesNotContainAnyElementsOf(RAW_STATES);
        }
        assertThat(doctorBrowser.consoleErrors()).as("the doctor's console errors").isEmpty();
        assertThat(patientBrowser.consoleErrors()).as("the patient's console errors").isEmpty();
    }
}
