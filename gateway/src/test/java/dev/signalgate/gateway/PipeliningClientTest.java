package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.RawWebSocket;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client that writes requests back to back without waiting for answers (a load test, an integration), with the
 * rate limit raised, and reads everything it gets: its answers come faster than one event-loop turn writes them,
 * yet it is slowed down by TCP, never closed as a slow consumer. The outbox's default bounds are kept on purpose:
 * 10,000 answers are ten times its frame bound.
 */
@GatewayTest
class PipeliningClientTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ROOM = "pipelining";
    private static final int FRAMES = 10_000;

    @LocalServerPort
    int port;

    @Test
    void aClientThatPipelinesAndReadsGetsOneAnswerPerFrameAndStaysConnected() throws Exception {
        try (RawWebSocket client = RawWebSocket.upgrade(port, Tokens.forUser("pipeliner"))) {
            assertThat(type(client.readText())).isEqualTo("welcome");
            client.sendText("{\"type\":\"chat:join_room\",\"room\":\"" + ROOM + "\",\"id\":\"join\"}");
            assertThat(JSON.readTree(client.readText()).path("id").asString()).isEqualTo("join");

            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < FRAMES; i++) {
                        client.writeText(frame(i));
                    }
                    client.flush();
                } catch (Exception e) {
                    throw new IllegalStateException("writing frame failed", e);
                }
            });

            Map<String, String> answers = new HashMap<>();
            int withoutId = 0;
            for (int read = 0; read < FRAMES; read++) {
                JsonNode answer = JSON.readTree(client.readText());
                String id = answer.path("id").asString(null);
                if (id == null) {
                    assertThat(answer.path("data").path("code").asString()).isEqualTo("bad_request");
                    withoutId++;
                } else {
                    assertThat(answers.put(id, answer.path("type").asString() + "/"
                            + answer.path("data").path("code").asString(""))).as("second answer to %s", id).isNull();
                }
            }
            writer.get(30, TimeUnit.SECONDS);

            assertThat(withoutId).isEqualTo(FRAMES / 4);
            assertThat(answers).hasSize(FRAMES - FRAMES / 4);
            for (int i = 0; i < FRAMES; i++) {
                switch (i % 4) {
                    case 0 -> assertThat(answers.get("p" + i)).isEqualTo("ack/");
                    case 2 -> assertThat(answers.get("p" + i)).isEqualTo("error/unknown_type");
                    case 3 -> assertThat(answers.get("p" + i)).isEqualTo("error/not_in_room");
                    default -> {
                        // Malformed: counted above.
                    }
                }
            }
            // Still connected: the next request is answered.
            client.sendText("{\"type\":\"chat:leave_room\",\"room\":\"" + ROOM + "\",\"id\":\"leave\"}");
            JsonNode leave = JSON.readTree(client.readText());
            assertThat(leave.path("id").asString()).isEqualTo("leave");
            assertThat(leave.path("type").asString()).isEqualTo("ack");
        }
    }

    /** One of four kinds in turn: a valid request, a frame that is not JSON, an unknown type, a signal outside a call. */
    private static String frame(int i) {
        return switch (i % 4) {
            case 0 -> "{\"type\":\"chat:typing\",\"room\":\"" + ROOM + "\",\"id\":\"p" + i + "\"}";
            case 1 -> "not json " + i;
            case 2 -> "{\"type\":\"chat:nope\",\"room\":\"" + ROOM + "\",\"id\":\"p" + i + "\"}";
            default -> "{\"type\":\"webrtc:offer\",\"room\":\"" + ROOM + "\",\"id\":\"p" + i + "\",\"data\":{}}";
        };
    }

    private static String type(String frame) {
        return JSON.readTree(frame).path("type").asString();
    }
}
