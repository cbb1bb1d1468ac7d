package dev.signalgate.gateway.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.signalgate.gateway.auth.TokenMinter;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** Shortcuts for call tests: tokens with a role and a name, joins, and answers checked for their code. */
public final class CallClients {

    private static final TokenMinter MINTER =
            new TokenMinter(Tokens.SECRET.getBytes(StandardCharsets.UTF_8), null, null);
    private static final AtomicInteger IDS = new AtomicInteger();

    private CallClients() {
    }

    /** A connected client (welcome consumed) of {@code user} with a role, a display name and any room. */
    public static TestClient connect(int port, String user, String role) {
        return TestClient.connected(port, MINTER.mint(user, "Name of " + user, role, List.of("*"), Duration.ofHours(1)));
    }

    /**
     * Sends {@code webrtc:join_room} as the JS adapter does, asking to keep the seat through a dropped socket
     * ({@code resumable}), and returns the ack's data, failing on an error.
     */
    public static JsonNode join(TestClient client, String room) {
        return client.request(Frames.of("webrtc:join_room", room).id(nextId("join")).data("resumable", true).build());
    }

    /** Sends a request and returns the error's code, failing on an ack. */
    public static String errorCode(TestClient client, Map<String, Object> envelope) {
        client.send(envelope);
        JsonNode reply = client.reply((String) envelope.get("id"));
        assertThat(reply.path("type").asString()).as("answer to %s", envelope).isEqualTo("error");
        return reply.path("data").path("code").asString();
    }

    public static String nextId(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    /** The types of some frames, to assert on what arrived or did not. */
    public static List<String> types(List<JsonNode> frames) {
        return frames.stream().map(frame -> frame.path("type").asString()).toList();
    }
}
