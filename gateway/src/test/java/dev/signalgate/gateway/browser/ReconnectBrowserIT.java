package dev.signalgate.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway goes away and comes back on the same port with the same data while both pages stay open: the pages
 * reconnect by themselves and resume, so every message arrives once and is stored once.
 */
class ReconnectBrowserIT extends DoctorAndPatientBrowsers {

    private static final String ROOM = "consult-restart";
    /** Long enough for a restart plus the adapter's largest backoff (10 s) plus a margin. */
    private static final Duration RECONNECT = Duration.ofSeconds(60);


    @BeforeAll
    static void startGateway() {
        startGatewayAndBrowsers("restart");
    }

    @Test
    void pagesReconnectAfterAGatewayRestartAndEveryMessageArrivesAndIsStoredOnce() {
        DemoPage doctor = new DemoPage(doctorBrowser).open(gateway.baseUri()).enter("Carol", "doctor", ROOM);
        DemoPage patient = new DemoPage(patientBrowser).open(gateway.baseUri()).enter("Dan", "patient", ROOM);
        doctor.send("Before the restart");
        patient.awaitMessage("Before the restart", "confirmed", DemoPage.WAIT);

        // The patient's network goes down first, so that the patient stays away after the gateway is back.
        patientBrowser.offline(true);
        gateway.stop();
        doctor.awaitDisconnected(DemoPage.WAIT);
        patient.awaitDisconnected(DemoPage.WAIT);

        String typedDuringOutage = "Typed while the gateway was down";
        doctor.send(typedDuringOutage);
        assertThat(doctor.awaitMessage(typedDuringOutage, "pending", DemoPage.WAIT).get("history"))
                .isEqualTo("pending");

        gateway.startAgain();
        doctor.awaitConnection("open", RECONNECT);
        doctor.awaitMessage(typedDuringOutage, "confirmed", DemoPage.WAIT);
        String sentWhileAway = "Sent while the patient was away";
        doctor.send(sentWhileAway);
        doctor.awaitMessage(sentWhileAway, "confirmed", DemoPage.WAIT);
        assertThat(patient.connectionState()).as("the patient is still away").isNotEqualTo("open");

        patientBrowser.offline(false);
        patient.awaitConnection("open", RECONNECT);
        patient.awaitMessage(typedDuringOutage, "confirmed", DemoPage.WAIT);
        patient.awaitMessage(sentWhileAway, "confirmed", DemoPage.WAIT);
        patient.awaitMessage("Before the restart", "confirmed", DemoPage.WAIT);

        // Live traffic flows both ways again.
        patient.send("Back online");
        doctor.awaitMessage("Back online", "confirmed", DemoPage.WAIT);

        assertThat(doctor.storedCount(typedDuringOutage)).as("stored exactly once").isEqualTo(1);
        assertThat(patient.storedCount(sentWhileAway)).isEqualTo(1);
        assertThat(doctor.messages(typedDuringOutage)).hasSize(1);
        assertThat(patient.messages(typedDuringOutage)).hasSize(1);
        assertThat(patient.messages(sentWhileAway)).hasSize(1);
    }
}
