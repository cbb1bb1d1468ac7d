package dev.signalgate.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A doctor and a patient chat through the demo page, each in their own headless Chromium. */
class ChatBrowserIT extends DoctorAndPatientBrowsers {

    private static final String ROOM = "consult-chat";

    private static DemoPage doctor;
    private static DemoPage patient;

    @BeforeAll
    static void enterTheRoom() {
        startGatewayAndBrowsers("chat");
        doctor = new DemoPage(doctorBrowser).open(gateway.baseUri()).enter("Alice", "doctor", ROOM);
        patient = new DemoPage(patientBrowser).open(gateway.baseUri()).enter("Bob", "patient", ROOM);
    }

    @Test
    void messageShowsOnTheOtherPageFirstOptimisticallyThenAsConfirmed() {
        String body = "Good morning Bob, how are you feeling today?";
        doctor.send(body);

        Map<String, Object> received = patient.awaitMessage(body, "confirmed", DemoPage.WAIT);
        assertThat(received.get("history")).as("shown before it was stored, then confirmed")
                .isEqualTo("pending confirmed");
        assertThat(received.get("own")).isEqualTo(false);

        Map<String, Object> sent = doctor.awaitMessage(body, "confirmed", DemoPage.WAIT);
        assertThat(sent.get("history")).isEqualTo("pending confirmed");
        assertThat(sent.get("own")).isEqualTo(true);
        // The patient's page is visible, so it marks the room read: the doctor sees the receipt.
        doctor.awaitReceipt(body, "seen");
        assertThat(patient.storedCount(body)).isEqualTo(1);
    }

    @Test
    void typingIndicatorAppearsWhileTheOtherTypesAndClearsWhenTheyStop() {
        // Named as the patient entered their name (the token's name claim), not by user id.
        String patientName = patient.displayName();
        patient.type("My head");
        doctor.awaitTyping(text -> text.equals(patientName + " is typing…"), "naming " + patientName);

        patient.clearInput();
        doctor.awaitTyping(String::isEmpty, "cleared after the field was emptied");

        patient.type("still aching");
        doctor.awaitTyping(text -> text.contains(patientName), "back");
        // No keystroke for a while: the adapter sends stop_typing by itself.
        doctor.awaitTyping(String::isEmpty, "cleared after the typist went idle");

        patient.clearInput();
        patient.type("It is better now");
        doctor.awaitTyping(text -> text.contains(patientName), "back again");
        patient.submit();
        doctor.awaitMessage("It is better now", "confirmed", DemoPage.WAIT);
        doctor.awaitTyping(String::isEmpty, "cleared by the message");
    }
}
