package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import dev.signalgate.persistence.embedded.EmbeddedMongo;
import tools.jackson.databind.JsonNode;

/**
 * A real store outage: the embedded server is shut down mid-stream and started again on the same port. Every
 * message gets exactly one confirmation or failure, relay and signaling carry on, nothing confirmed is lost, and
 * sends are confirmed again without a restart of the gateway.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.data-dir=${java.io.tmpdir}/signalgate-outage-${random.uuid}",
        "gateway.store.write-timeout=1s"})
class StoreOutageTest {

    private static final String ROOM = "outage";

    @LocalServerPort
    int port;

    @Autowired
    EmbeddedMongo store;

    @Test
    void everyMessageGetsOneOutcomeAndServiceRecoversByItself() {
        try (TestClient alice = joined("alice"); TestClient bob = joined("bob")) {
            alice.request(Frames.of("webrtc:join_room", ROOM).id("c1").build());
            bob.request(Frames.of("webrtc:join_room", ROOM).id("c2").build());

            List<String> sent = new ArrayList<>();
            sendBatch(alice, "before", 5, sent);
            Map<String, JsonNode> outcomes = outcomes(alice, sent);
            assertThat(outcomes.values()).allMatch(frame -> isType(frame, "chat:confirmed"));

            int storePort = store.port();
            store.stop();
            List<String> duringOutage = new ArrayList<>();
            sendBatch(alice, "during", 5, duringOutage);
            // Relay and signaling do not depend on the store.
            assertThat(bob.collect("chat:message", 10)).hasSize(10);
            alice.send(Frames.of("webrtc:offer", ROOM).to("bob").data("sdp", "still signaling").build());
            assertThat(bob.awaitType("webrtc:offer").path("data").path("sdp").asString()).isEqualTo("still signaling");
            Map<String, JsonNode> outageOutcomes = outcomes(alice, duringOutage);
            assertThat(outageOutcomes).hasSize(5);
            outageOutcomes.values().stream().filter(frame -> isType(frame, "chat:failed")).forEach(frame ->
                    assertThat(frame.path("data").path("code").asString()).isEqualTo("unavailable"));

            store.start("127.0.0.1", storePort);
            // The driver reconnects on its own: keep sending until a message is confirmed again.
            JsonNode recovered = null;
            for (int attempt = 0; attempt < 30 && recovered == null; attempt++) {
                List<String> probe = new ArrayList<>();
                sendBatch(alice, "after-" + attempt, 1, probe);
                JsonNode outcome = outcomes(alice, probe).get(probe.get(0));
                if (isType(outcome, "chat:confirmed")) {
                    recovered = outcome;
                }
            }
            assertThat(recovered).as("a message confirmed after the store came back").isNotNull();

            Set<String> confirmedBefore = outcomes.keySet();
            JsonNode history = alice.request(Frames.of("chat:history", ROOM).id("h").data("limit", 100).build());
            Set<String> stored = new java.util.HashSet<>();
            history.path("messages").forEach(message -> stored.add(message.path("tempId").asString()));
            assertThat(stored).containsAll(confirmedBefore).contains(recovered.path("data").path("tempId").asString());
            Set<String> confirmedDuring = outageOutcomes.entrySet().stream()
                    .filter(entry -> isType(entry.getValue(), "chat:confirmed")).map(Map.Entry::getKey)
                    .collect(Collectors.toSet());
            assertThat(stored).containsAll(confirmedDuring);
        }
    }

    private TestClient joined(String user) {
        TestClient client = TestClient.connected(port, Tokens.forUser(user));
        client.request(Frames.of("chat:join_room", ROOM).id("join").build());
        return client;
    }

    private static void sendBatch(TestClient client, String prefix, int count, List<String> tempIds) {
        for (int i = 0; i < count; i++) {
            String tempId = prefix + "-" + i;
            tempIds.add(tempId);
            client.send(Frames.of("chat:send_message", ROOM).data("tempId", tempId).data("body", tempId).build());
        }
    }

    /** The one outcome of each tempId; fails if any gets two. */
    private static Map<String, JsonNode> outcomes(TestClient client, List<String> tempIds) {
        Map<String, JsonNode> outcomes = new HashMap<>();
        while (outcomes.size() < tempIds.size()) {
            JsonNode frame = client.await(f -> isType(f, "chat:confirmed") || isType(f, "chat:failed"));
            String tempId = frame.path("data").path("tempId").asString();
            if (tempIds.contains(tempId)) {
                assertThat(outcomes.put(tempId, frame)).as("second outcome for " + tempId).isNull();
            }
        }
        assertThat(ChatRoomTest.types(client.drain(Duration.ofMillis(200))))
                .doesNotContain("chat:confirmed", "chat:failed");
        return outcomes;
    }

    private static boolean isType(JsonNode frame, String type) {
        return type.equals(frame.path("type").asString());
    }
}
