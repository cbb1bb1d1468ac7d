package dev.signalgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.api.ApiClient;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.LogFlush;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;

/** The audit log tells who entered and left which room and call, when calls start and end, and admin actions. */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
class AuditLogTest {

    @LocalServerPort
    int port;

    @Test
    void joinsLeavesAndTheCallsLifeAreAudited(CapturedOutput output) {
        String room = "consult-" + UUID.randomUUID();
        String body = "symptoms-" + UUID.randomUUID();
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("dr-grey", "doctor", List.of("*")));
                TestClient patient = TestClient.connected(port, Tokens.forUser("pat-1", "patient", List.of("*")))) {
            doctor.request(Frames.of("chat:join_room", room).id("j").build());
            patient.request(Frames.of("chat:join_room", room).id("j").build());
            patient.send(Frames.of("chat:send_message", room).data("tempId", "t").data("body", body).build());
            doctor.awaitType("chat:confirmed");
            doctor.request(Frames.of("webrtc:join_room", room).id("w").build());
            patient.request(Frames.of("webrtc:join_room", room).id("w").build());
            patient.request(Frames.of("webrtc:leave_room", room).id("l").build());
            doctor.request(Frames.of("webrtc:leave_room", room).id("l").build());
            doctor.request(Frames.of("chat:leave_room", room).id("l").build());
        }
        LogFlush.awaitLogged(output, "chat.left room=" + room + " user=pat-1");

        String logged = output.getAll();
        assertThat(logged).contains("signalgate.audit")
                .containsPattern("chat\\.joined room=" + room + " user=dr-grey role=doctor connection=\\S+")
                .containsPattern("chat\\.joined room=" + room + " user=pat-1 role=patient connection=\\S+")
                .containsPattern("call\\.joined room=" + room + " user=dr-grey role=doctor connection=\\S+")
                .containsPattern("call\\.started room=" + room + " user=pat-1 role=patient connection=\\S+ users=2")
                .containsPattern("call\\.left room=" + room + " user=pat-1 role=patient")
                .containsPattern("call\\.ended room=" + room + " user=dr-grey role=doctor connection=\\S+ users=0")
                .containsPattern("chat\\.left room=" + room + " user=dr-grey role=doctor")
                .doesNotContain(body);
        assertThat(count(logged, "call.started room=" + room)).isEqualTo(1);
        assertThat(count(logged, "call.ended room=" + room)).isEqualTo(1);
    }

    @Test
    void aCallThatNeverHadTwoUsersNeitherStartsNorEnds(CapturedOutput output) {
        String room = "consult-" + UUID.randomUUID();
        try (TestClient doctor = TestClient.connected(port, Tokens.forUser("dr-alone", "doctor", List.of("*")))) {
            doctor.request(Frames.of("webrtc:join_room", room).id("w").build());
            doctor.request(Frames.of("webrtc:leave_room", room).id("l").build());
        }
        LogFlush.awaitLogged(output, "call.left room=" + room);

        assertThat(output.getAll()).doesNotContain("call.started room=" + room).doesNotContain("call.ended room=" + room);
    }

    @Test
    void adminDisconnectIsAuditedWithWhoAsked(CapturedOutput output) {
        try (TestClient user = TestClient.connected(port, Tokens.forUser("to-kick"))) {
            new ApiClient(port).post(ApiClient.serviceToken("ops-console", "*"), "/api/users/to-kick/disconnect");
            user.awaitCloseCode();
        }
        LogFlush.awaitWritten(output);

        assertThat(output.getAll()).contains("user.disconnected target=to-kick connections=1 by=ops-console role=service");
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }
}
