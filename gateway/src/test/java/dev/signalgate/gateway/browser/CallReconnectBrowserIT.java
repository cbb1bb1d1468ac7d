package dev.signalgate.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Mid-call, the patient's page loses its signaling connection (its socket closes while the browser is offline, so
 * it cannot come straight back) and regains it a few seconds later, without a page reload. The gateway keeps the
 * patient's place (reconnect grace): the doctor's page shows the peer reconnecting, then resumed; the impolite side
 * (the doctor: {@code doctor-…} sorts before {@code patient-…}) restarts ICE, and the call goes on with the same
 * peer connections and live video both ways.
 */
class CallReconnectBrowserIT extends DoctorAndPatientBrowsers {

    private static final String ROOM = "consult-reconnect";
    private static final Duration CONNECT = Duration.ofSeconds(45);
    /** Long enough for the adapter's largest backoff (10 s) plus a margin. */
    private static final Duration RECONNECT = Duration.ofSeconds(60);


    @BeforeAll
    static void startGateway() {
        startGatewayAndBrowsers("call-reconnect");
    }

    @Test
    void theCallRecoversFromTheLossOfThePatientsSignalingConnectionWithoutAReload() throws Exception {
        DemoPage doctor = new DemoPage(doctorBrowser).open(gateway.baseUri()).enter("Grace", "doctor", ROOM);
        DemoPage patient = new DemoPage(patientBrowser).open(gateway.baseUri()).enter("Henry", "patient", ROOM);
        doctor.startCall();
        patient.startCall();
        for (DemoPage page : new DemoPage[] {doctor, patient}) {
            page.awaitCallState("connected", CONNECT);
            page.await("remote audio and video tracks", DemoPage.WAIT,
                    d -> page.remoteTrackKinds().equals(List.of("audio", "video")));
            page.await("remote video frames", DemoPage.WAIT, d -> page.remoteVideoPlaying());
            // Survives only if the page is never reloaded.
            page.browser().script("window.__noReloadMarker = 'set before the drop'");
        }
        assertThat(doctor.callStatusHistory()).isEmpty();
        long doctorRestartsBefore = doctor.callNumber("iceRestarts");
        long patientRemoteRestartsBefore = patient.callNumber("remoteIceRestarts");

        // Every connection state the patient's adapter goes through from here on, with its attempt and delay.
        patient.browser().script("""
                window.__patientStates = [];
                window.signalgateDemo.client.on('state', (state, detail) => window.__patientStates.push(
                    {state, attempt: detail?.attempt ?? null, delay: detail?.delay ?? null}));
                """);

        // The patient's socket drops and the browser is offline, so it stays away for a while.
        patientBrowser.offline(true);
        patient.browser().script("window.signalgateDemo.client.reconnect()");
        patient.awaitDisconnected(DemoPage.WAIT);
        doctor.await("the patient shown as reconnecting", DemoPage.WAIT,
                d -> "reconnecting".equals(doctor.callStatus()));
        assertThat(doctor.callStatusText()).contains(patient.displayName()).contains("reconnecting");
        doctorBrowser.screenshot("call-reconnect-doctor-peer-reconnecting");
        // Offline, an attempt to reconnect fails: the adapter starts one (state reconnecting without a delay) and,
        // once it failed, schedules the next (reconnecting with a delay). The patient has been away that long.
        patient.await("a failed reconnect attempt of the patient while offline", DemoPage.WAIT,
                d -> Boolean.TRUE.equals(patient.browser().script("""
                        const states = window.__patientStates;
                        const started = states.findIndex(s => s.state === 'reconnecting' && s.delay === null);
                        return started >= 0 && states.slice(started + 1)
                            .some(s => s.state === 'reconnecting' && s.delay !== null);
                        """)));
        assertThat(patient.connectionState()).as("the patient's connection while offline").isNotEqualTo("open");
        assertThat(doctor.callStatus()).as("still within the gateway's reconnect grace").isEqualTo("reconnecting");

        patientBrowser.offline(false);
        patient.awaitConnection("open", RECONNECT);
        doctor.await("the patient shown as resumed", RECONNECT, d -> "resumed".equals(doctor.callStatus()));
        assertThat(doctor.callStatusHistory()).containsExactly("reconnecting", "resumed");
        assertThat(patient.callStatus()).as("the patient's own join said resumed").isEqualTo("resumed");

        doctor.await("an ICE restart started by the doctor (impolite side)", DemoPage.WAIT,
                d -> doctor.callNumber("iceRestarts") > doctorRestartsBefore);
        patient.await("the doctor's ICE-restart offer at the patient", DemoPage.WAIT,
                d -> patient.callNumber("remoteIceRestarts") > patientRemoteRestartsBefore);
        for (DemoPage page : new DemoPage[] {doctor, patient}) {
            page.awaitCallState("connected", CONNECT);
            assertThat(page.remoteTrackKinds()).containsExactly("audio", "video");
            long frames = page.remoteFramesDecoded();
            page.await("remote video frames still decoding", DemoPage.WAIT,
                    d -> page.remoteVideoPlaying() && page.remoteFramesDecoded() > frames + 10);
            assertThat(page.browser().script("return window.__noReloadMarker"))
                    .as("no page reload").isEqualTo("set before the drop");
        }
        doctorBrowser.screenshot("call-reconnect-doctor-resumed");
        patientBrowser.screenshot("call-reconnect-patient-resumed");
    }
}
