package dev.signalgate.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A doctor and a patient hold a video call through the gateway's signaling, with Chromium's fake camera and
 * microphone: the demo's call helper negotiates (perfect negotiation, roles from the gateway) until both peer
 * connections are connected and each side plays the other's audio and video.
 */
class VideoCallBrowserIT extends DoctorAndPatientBrowsers {

    private static final String ROOM = "consult-video";
    private static final Duration CONNECT = Duration.ofSeconds(45);


    @BeforeAll
    static void startGateway() {
        startGatewayAndBrowsers("call");
    }

    @Test
    void doctorAndPatientConnectAVideoCallAndReceiveEachOthersAudioAndVideo() throws Exception {
        DemoPage doctor = new DemoPage(doctorBrowser).open(gateway.baseUri()).enter("Erin", "doctor", ROOM);
        DemoPage patient = new DemoPage(patientBrowser).open(gateway.baseUri()).enter("Frank", "patient", ROOM);

        doctor.startCall();
        patient.startCall();
        doctor.awaitCallState("connected", CONNECT);
        patient.awaitCallState("connected", CONNECT);

        for (DemoPage page : new DemoPage[] {doctor, patient}) {
            page.await("remote audio and video tracks", DemoPage.WAIT,
                    d -> page.remoteTrackKinds().equals(List.of("audio", "video")));
            page.await("remote video frames", DemoPage.WAIT, d -> page.remoteVideoPlaying());
        }
        assertThat(doctor.remoteLabel()).isEqualTo(patient.displayName());
        assertThat(patient.remoteLabel()).isEqualTo(doctor.displayName());

        Path doctorShot = doctorBrowser.screenshot("video-call-doctor");
        Path patientShot = patientBrowser.screenshot("video-call-patient");
        assertThat(doctorShot).exists();
        assertThat(patientShot).exists();
        assertThat(Files.size(doctorShot)).isPositive();
        assertThat(Files.size(patientShot)).isPositive();

        // Hanging up ends the call on both sides at once (well within the grace kept for dropped sockets).
        doctor.hangUp();
        doctor.awaitCallState("idle", DemoPage.WAIT);
        patient.await("the remote stream to end", Duration.ofSeconds(5), d -> patient.remoteTrackKinds().isEmpty());
        assertThat(patient.remoteLabel()).isEqualTo("The other party left");
    }
}
