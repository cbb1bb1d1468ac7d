package dev.signalgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.signalgate.gateway.api.ApiClient;
import dev.signalgate.gateway.auth.TokenMinter;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.LogFlush;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;

/**
 * No log line carries a token (nor its payload or signature part) or a message body, even at DEBUG, across a
 * session that chats, publishes events, and has tokens refused at the upgrade and at the API.
 */
@GatewayTest
@TestPropertySource(properties = "logging.level.dev.signalgate=DEBUG")
@ExtendWith(OutputCaptureExtension.class)
class LogHygieneTest {

    @LocalServerPort
    int port;

    @Test
    void logsNeverContainTokensOrBodies(CapturedOutput output) throws Exception {
        String secret = UUID.randomUUID().toString();
        String body = "body-" + secret;
        String meta = "meta-" + secret;
        String eventData = "event-" + secret;
        String room = "hygiene-" + secret.substring(0, 8);
        String aliceToken = Tokens.forUser("alice", "doctor", List.of("*"));
        String bobToken = Tokens.forUser("bob", "patient", List.of("*"));
        String serviceToken = ApiClient.serviceToken("queue-service", "*");
        String forged = new TokenMinter("a-different-secret-also-long-enough-for-hs256!".getBytes(
                StandardCharsets.UTF_8), null, null).mint("mallory", null, "service", List.of("*"), Duration.ofHours(1));
        String patientForApi = Tokens.forUser("eve", "patient", List.of("*"));
        ApiClient api = new ApiClient(port);

        try (TestClient alice = TestClient.connected(port, aliceToken);
                TestClient bob = TestClient.connectWithQueryToken(port, bobToken)) {
            bob.expect("welcome");
            alice.request(Frames.of("chat:join_room", room).id("j").build());
            bob.request(Frames.of("chat:join_room", room).id("j").build());
            for (int i = 0; i < 3; i++) {
                alice.send(Frames.of("chat:send_message", room).id("s" + i).data("tempId", "t" + i)
                        .data("body", body + i).data("meta", java.util.Map.of("cipher", meta)).build());
            }
            bob.collect("chat:confirmed", 3);
            bob.send(Frames.of("chat:typing", room).build());
            alice.request(Frames.of("chat:history", room).id("h").build());
            alice.send("{\"type\":\"chat:send_message\",\"room\":\"" + room + "\",\"data\":{\"body\":\"" + body + "-cut");
            alice.awaitType("error");
            alice.send(Frames.of("chat:send_message", room).id("x").data("tempId", "t-x").data("body", 42).build());
            alice.reply("x");
            alice.send(Frames.of("chat:send_message", "not-joined").id("y").data("tempId", "t-y").data("body", body)
                    .build());
            alice.reply("y");

            assertThat(api.publish(serviceToken, room, "{\"type\":\"queue:updated\",\"data\":{\"note\":\""
                    + eventData + "\"}}").status()).isEqualTo(202);
            assertThat(api.publish(serviceToken, room, "{\"type\":\"queue:updated\",\"persist\":true,\"data\":{\"note\":\""
                    + eventData + "\"}}").status()).isEqualTo(202);
            assertThat(api.publish(serviceToken, room, "{\"type\":\"queue:updated\",\"data\":\"" + eventData + "\"}")
                    .status()).isEqualTo(400);
            assertThat(api.publish(serviceToken, room, "{\"type\":\"" + eventData + "\"").status()).isEqualTo(400);
            assertThat(api.publish(forged, room, "{\"type\":\"queue:updated\"}").status()).isEqualTo(401);
            assertThat(api.publish(patientForApi, room, "{\"type\":\"queue:updated\"}").status()).isEqualTo(403);
            assertThat(api.get(forged, "/api/stats").status()).isEqualTo(401);
            bob.collect("queue:updated", 2);
        }
        assertRefusedUpgrade(() -> TestClient.connect(port, forged));
        assertRefusedUpgrade(() -> TestClient.connectWithQueryToken(port, forged));
        LogFlush.awaitWritten(output);

        String logged = output.getAll();
        assertThat(logged).as("the capture works").contains("handshake refused").contains("chat.joined");
        List<String> secrets = new ArrayList<>(List.of(body, meta, eventData, secret));
        for (String token : List.of(aliceToken, bobToken, serviceToken, forged, patientForApi)) {
            String[] parts = token.split("\\.");
            secrets.add(token);
            secrets.add(parts[1]);
            secrets.add(parts[2]);
        }
        for (String forbidden : secrets) {
            assertThat(logged).doesNotContain(forbidden);
        }
    }

    private static void assertRefusedUpgrade(Runnable connect) {
        try {
            connect.run();
            throw new AssertionError("the upgrade was accepted");
        } catch (TestClient.HandshakeRefused expected) {
            assertThat(expected.status()).isEqualTo(401);
        }
    }
}
