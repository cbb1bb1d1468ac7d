package dev.signalgate.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A clinic behind a proxy that blocks WebSockets: the doctor's Chromium goes through a real squid that refuses
 * {@code CONNECT} (how browsers carry {@code ws://} through a proxy), the patient's goes direct. The demo page
 * uses the adapter exactly as documented, {@code connect('/ws', auth)} with no option: the doctor's falls back
 * to HTTP by itself, the patient's stays on WebSocket, and they consult as usual: chat both ways with
 * confirmations, a video call with remote media, and a gateway restart that neither page loses a message to.
 */
class ProxiedConsultationBrowserIT {

    private static final String ROOM = "consult-proxied";
    private static final Duration CONNECT = Duration.ofSeconds(45);
    /** A restart plus the adapter's largest backoff (10 s), for each of the two transports it alternates. */
    private static final Duration RECONNECT = Duration.ofSeconds(60);

    private static Squid squid;
    private static TestGateway gateway;
    private static Browser doctorBrowser;
    private static Browser patientBrowser;

    @BeforeAll
    static void start() {
        BrowserTools.requireBrowser();
        squid = Squid.start();
        gateway = TestGateway.start();
        doctorBrowser = Browser.behindProxy("proxied-doctor", squid.port());
        patientBrowser = Browser.open("proxied-patient");
    }

    @AfterAll
    static void stop() {
        try (Squid s = squid; TestGateway g = gateway; Browser d = doctorBrowser; Browser p = patientBrowser) {
            Browser.screenshotQuietly(d, "proxied-doctor-end");
            Browser.screenshotQuietly(p, "proxied-patient-end");
        }
    }

    @Test
    void theDoctorBehindAProxyThatBlocksWebSocketsConsultsOverHttp() {
        DemoPage doctor = new DemoPage(doctorBrowser).open(gateway.baseUri()).enter("Grace", "doctor", ROOM);
        DemoPage patient = new DemoPage(patientBrowser).open(gateway.baseUri()).enter("Henry", "patient", ROOM);
        assertThat(doctor.transport()).as("behind the proxy").isEqualTo("http");
        assertThat(patient.transport()).as("without the proxy").isEqualTo("websocket");
        assertThat(squid.accessLog()).as("the proxy refused the socket's tunnel and carried the session")
                .contains("TCP_DENIED/403", "CONNECT", "/ws/http/sessions");
        // Presence crosses the transports: each page lists the other, whichever way it is connected.
        doctor.await("the patient in the doctor's member list", DemoPage.WAIT,
                d -> doctor.memberNames().stream().anyMatch(name -> name.startsWith("Henry")));
        patient.await("the doctor in the patient's member list", DemoPage.WAIT,
                d -> patient.memberNames().stream().anyMatch(name -> name.startsWith("Grace")));

        doctor.send("Hello Henry, can you hear me through the clinic network?");
        patient.awaitMessage("Hello Henry, can you hear me through the clinic network?", "confirmed", DemoPage.WAIT);
        doctor.awaitMessage("Hello Henry, can you hear me through the clinic network?", "confirmed", DemoPage.WAIT);
        patient.send("Yes, loud and clear");
        doctor.awaitMessage("Yes, loud and clear", "confirmed", DemoPage.WAIT);
        patient.awaitMessage("Yes, loud and clear", "confirmed", DemoPage.WAIT);

        doctor.startCall();
        patient.startCall();
        doctor.awaitCallState("connected", CONNECT);
        patient.awaitCallState("connected", CONNECT);
        for (DemoPage page : new DemoPage[] {doctor, patient}) {
            page.await("remote audio and video tracks", DemoPage.WAIT,
                    d -> page.remoteTrackKinds().equals(List.of("audio", "video")));
            page.await("remote video frames", DemoPage.WAIT, d -> page.remoteVideoPlaying());
        }
        doctor.hangUp();
        doctor.awaitCallState("idle", DemoPage.WAIT);

        gateway.stop();
        doctor.awaitDisconnected(DemoPage.WAIT);
        patient.awaitDisconnected(DemoPage.WAIT);
        String typedDuringOutage = "Typed behind the proxy while the gateway was down";
        doctor.send(typedDuringOutage);
        gateway.startAgain();
        doctor.awaitConnection("open", RECONNECT);
        patient.awaitConnection("open", RECONNECT);
        patient.awaitMessage(typedDuringOutage, "confirmed", DemoPage.WAIT);
        doctor.awaitMessage(typedDuringOutage, "confirmed", DemoPage.WAIT);
        patient.send("Back after the restart");
        doctor.awaitMessage("Back after the restart", "confirmed", DemoPage.WAIT);

        assertThat(doctor.transport()).isEqualTo("http");
        assertThat(patient.transport()).isEqualTo("websocket");
        assertThat(doctor.storedCount(typedDuringOutage)).as("stored exactly once").isEqualTo(1);
        assertThat(doctor.messages(typedDuringOutage)).hasSize(1);
        assertThat(patient.messages(typedDuringOutage)).hasSize(1);
        assertThat(doctor.messages("Yes, loud and clear")).hasSize(1);
        assertThat(patient.messages("Hello Henry, can you hear me through the clinic network?")).hasSize(1);
    }
}
