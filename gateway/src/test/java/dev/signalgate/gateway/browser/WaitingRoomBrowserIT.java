package dev.signalgate.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A consultation with a waiting room (the test gateway runs with {@code gateway.call.admission-rooms} covering
 * {@code consult-waiting-*}): the patient waits, the doctor sees the request and admits, the call connects.
 */
class WaitingRoomBrowserIT extends DoctorAndPatientBrowsers {

    private static final String ROOM = "consult-waiting-1";
    private static final Duration CONNECT = Duration.ofSeconds(45);


    @BeforeAll
    static void startGateway() {
        startGatewayAndBrowsers("waiting");
    }

    @Test
    void thePatientWaitsUntilTheDoctorAdmitsThemAndThenTheCallConnects() throws Exception {
        DemoPage doctor = new DemoPage(doctorBrowser).open(gateway.baseUri()).enter("Iris", "doctor", ROOM);
        DemoPage patient = new DemoPage(patientBrowser).open(gateway.baseUri()).enter("Jack", "patient", ROOM);

        doctor.startCall();
        doctor.await("the doctor in the call", DemoPage.WAIT,
                d -> "joined".equals(doctor.browser().script("return window.signalgateDemo.call?.state")));
        patient.startCall();
        patient.await("the patient in the waiting room", DemoPage.WAIT, d -> "waiting".equals(patient.callStatus()));
        assertThat(patient.callStatusText()).contains("Waiting for the doctor");
        assertThat(patient.callState()).isEqualTo("waiting");

        String patientId = patient.userId();
        doctor.await("the admission request", DemoPage.WAIT, d -> doctor.admissionRequests().equals(List.of(patientId)));
        doctorBrowser.screenshot("waiting-doctor-admission-request");
        patientBrowser.screenshot("waiting-patient-waiting");
        // The doctor sees the request while the patient waits; the status history checked once connected shows
        // the patient never left the waiting room before being admitted.
        assertThat(patient.callStatus()).as("still waiting until admitted").isEqualTo("waiting");

        doctor.admit(patientId);
        doctor.await("the request to go away", DemoPage.WAIT, d -> doctor.admissionRequests().isEmpty());
        for (DemoPage page : new DemoPage[] {doctor, patient}) {
            page.awaitCallState("connected", CONNECT);
            page.await("remote video frames", DemoPage.WAIT, d -> page.remoteVideoPlaying());
        }
        assertThat(patient.callStatusHistory()).containsExactly("waiting", "admitted");
        doctorBrowser.screenshot("waiting-doctor-connected");
        patientBrowser.screenshot("waiting-patient-connected");
    }
}
