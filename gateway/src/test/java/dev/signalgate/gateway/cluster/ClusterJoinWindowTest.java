package dev.signalgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * A join on a node whose Redis subscription for the room is slow to take effect (its {@code SUBSCRIBE} reaches
 * Redis a second late, through {@link DelayingRelay}): the doctor on the other node reacts the moment the patient
 * is announced, with a chat message or a targeted {@code webrtc:offer}, and the patient receives it, because
 * neither the ack nor the announcement goes out before the subscription is confirmed.
 */
class ClusterJoinWindowTest {

    private static final Duration SUBSCRIBE_DELAY = Duration.ofSeconds(1);

    static ClusterFixture cluster;
    static DelayingRelay relay;
    static int slowNode;

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(1);
        relay = new DelayingRelay(cluster.redis.port(), SUBSCRIBE_DELAY);
        // Well above the delay: this node waits for the subscription instead of answering unavailable.
        slowNode = ClusterFixture.port(cluster.startNode("--spring.data.redis.url=" + relay.url(),
                "--gateway.cluster.timeout=20s"));
        relay.delaySubscribes();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (relay != null) {
            relay.close();
        }
    }

    /** The first frame of each of the two types, in whichever order they come. */
    private static Map<String, JsonNode> awaitBoth(TestClient client, String first, String second) {
        Map<String, JsonNode> received = new HashMap<>();
        while (received.size() < 2) {
            JsonNode frame = client.await(candidate -> {
                String type = candidate.path("type").asString();
                return (type.equals(first) || type.equals(second)) && !received.containsKey(type);
            });
            received.put(frame.path("type").asString(), frame);
        }
        return received;
    }

    @Test
    void aChatMessageSentTheMomentTheJoinIsAnnouncedReachesTheNewMember() {
        String room = "join-window-chat";
        try (TestClient doctor = TestClient.connected(cluster.port(0), Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(slowNode, Tokens.forUser("patient"))) {
            doctor.request(Frames.of("chat:join_room", room).id("j").build());
            int delayedBefore = relay.delayedSubscribes();

            patient.send(Frames.of("chat:join_room", room).id("j").build());
            assertThat(doctor.awaitType("chat:user_joined").path("data").path("userId").asString())
                    .isEqualTo("patient");
            doctor.send(Frames.of("chat:send_message", room).data("tempId", "t-1").data("body", "welcome").build());

            // The ack waits for the store's lastSeq as well, so the message may come first.
            Map<String, JsonNode> received = awaitBoth(patient, "ack", "chat:message");
            assertThat(received.get("ack").path("id").asString()).isEqualTo("j");
            JsonNode message = received.get("chat:message");
            assertThat(message.path("from").asString()).isEqualTo("doctor");
            assertThat(message.path("data").path("body").asString()).isEqualTo("welcome");
            assertThat(relay.delayedSubscribes()).as("the subscription was held back").isGreaterThan(delayedBefore);
        }
    }

    @Test
    void anOfferSentTheMomentThePeerJoinedReachesTheNewPeer() {
        String room = "join-window-call";
        try (TestClient doctor = TestClient.connected(cluster.port(0), Tokens.forUser("doctor"));
                TestClient patient = TestClient.connected(slowNode, Tokens.forUser("patient"))) {
            doctor.request(Frames.of("webrtc:join_room", room).id("j").build());
            int delayedBefore = relay.delayedSubscribes();

            patient.send(Frames.of("webrtc:join_room", room).id("j").build());
            assertThat(doctor.awaitType("webrtc:peer_joined").path("from").asString()).isEqualTo("patient");
            doctor.send(Frames.of("webrtc:offer", room).to("patient").data("sdp", "v=0 offer").build());

            Map<String, JsonNode> received = awaitBoth(patient, "ack", "webrtc:offer");
            assertThat(received.get("ack").path("id").asString()).isEqualTo("j");
            JsonNode offer = received.get("webrtc:offer");
            assertThat(offer.path("from").asString()).isEqualTo("doctor");
            assertThat(offer.path("data").path("sdp").asString()).isEqualTo("v=0 offer");
            assertThat(relay.delayedSubscribes()).as("the subscription was held back").isGreaterThan(delayedBefore);
        }
    }
}
