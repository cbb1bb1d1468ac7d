package dev.signalgate.gateway.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adapter used as an npm package by a real front end: the Vite example, built by the browser profile from the
 * tarball {@code npm pack} made, served by {@code vite preview} (which proxies to the gateway), in two Chromium
 * windows that join a room, chat, and hold a video call.
 */
class ViteExampleBrowserIT {

    private static final String ROOM = "consult-vite";
    private static final Duration CONNECT = Duration.ofSeconds(45);

    private static TestGateway gateway;
    private static VitePreview vite;
    private static Browser doctorBrowser;
    private static Browser patientBrowser;

    @BeforeAll
    static void start() {
        BrowserTools.requireBrowser();
        gateway = TestGateway.start();
        vite = VitePreview.start(gateway.baseUri());
        doctorBrowser = Browser.open("vite-doctor");
        patientBrowser = Browser.open("vite-patient");
    }

    @AfterAll
    static void stop() {
        try (TestGateway g = gateway; VitePreview v = vite; Browser d = doctorBrowser; Browser p = patientBrowser) {
            Browser.screenshotQuietly(d, "vite-doctor-end");
            Browser.screenshotQuietly(p, "vite-patient-end");
        }
    }

    @Test
    void theExampleRunsOnTheAdapterThatWasPackedFromTheServedFolder() throws Exception {
        Path installed = VitePreview.EXAMPLE.resolve("node_modules/@signalgate/client");
        Path source = Path.of("src/main/resources/static/client");

        for (String file : new String[] {"gateway-client.js", "chat-room.js", "call.js", "package.json"}) {
            assertThat(Files.readString(installed.resolve(file))).as(file).isEqualTo(Files.readString(source.resolve(file)));
        }
        assertThat(Files.isSymbolicLink(installed)).as("installed from the tarball, not linked").isFalse();
    }

    @Test
    void twoPagesJoinChatByNameAndHoldAVideoCall() {
        VitePage doctor = new VitePage(doctorBrowser).join(vite.uri(), "doctor-vite", "Dr. Vera Vite", ROOM);
        VitePage patient = new VitePage(patientBrowser).join(vite.uri(), "patient-vite", "Pat Patient", ROOM);

        doctor.await("the patient among the members, by name", d -> doctor.text("members").contains("Pat Patient"));
        patient.await("the doctor among the members, by name", d -> patient.text("members").contains("Dr. Vera Vite"));

        doctor.send("Good morning");
        patient.await("the doctor's message", d -> patient.messages().contains("confirmed|Dr. Vera Vite: Good morning"));
        patient.send("Hello doctor");
        doctor.await("the patient's message", d -> doctor.messages().contains("confirmed|Pat Patient: Hello doctor"));

        doctor.click("call");
        patient.await("the doctor in the call before the patient joins it",
                d -> patient.text("in-call").equals("Dr. Vera Vite"));
        patient.click("call");
        doctor.await("a connected call", CONNECT, d -> "connected".equals(doctor.callState()));
        patient.await("a connected call", CONNECT, d -> "connected".equals(patient.callState()));
        doctor.await("the patient's video", d -> doctor.remoteVideoPlaying());
        patient.await("the doctor's video", d -> patient.remoteVideoPlaying());

        doctor.click("hang-up");
        doctor.await("the call to end", d -> "idle".equals(doctor.callState()));
        patient.await("only the patient left in the call", d -> patient.text("in-call").equals("Pat Patient"));
    }
}
