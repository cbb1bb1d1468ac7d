package dev.signalgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** Redis goes away: nodes keep serving local members, and when it is back cross-node traffic resumes. */
class ClusterRedisRestartTest {

    @Test
    void nodesServeLocallyWhileRedisIsDownThenReconnectAndTellTheirMembers() throws Exception {
        try (ClusterFixture cluster = new ClusterFixture(2)) {
            String room = "cluster-redis-1";
            try (TestClient alice = TestClient.connected(cluster.port(0), Tokens.forUser("alice"));
                    TestClient amy = TestClient.connected(cluster.port(0), Tokens.forUser("amy"));
                    TestClient bob = TestClient.connected(cluster.port(1), Tokens.forUser("bob"))) {
                for (TestClient client : new TestClient[] {alice, amy, bob}) {
                    client.request(Frames.of("chat:join_room", room).id("j").build());
                }
                cluster.redis.kill();
                // A join now cannot hear the other nodes: unavailable, not a silent gap (fast, or at the 1 s timeout).
                try (TestClient carol = TestClient.connected(cluster.port(0), Tokens.forUser("carol"))) {
                    carol.send(Frames.of("chat:join_room", room + "-new").id("j").build());
                    JsonNode refused = carol.reply("j");
                    assertThat(refused.path("type").asString()).isEqualTo("error");
                    assertThat(refused.path("data").path("code").asString()).isEqualTo("unavailable");
                }
                // Local members still talk to each other, and the store still sequences.
                alice.send(Frames.of("chat:send_message", room).data("tempId", "down").data("body", "local").build());
                assertThat(amy.awaitType("chat:message").path("data").path("body").asString()).isEqualTo("local");
                long storedWhileDown = amy.awaitType("chat:confirmed").path("seq").asLong();

                cluster.redis.restart();
                JsonNode told = bob.await(frame -> "error".equals(frame.path("type").asString())
                        && room.equals(frame.path("room").asString()));
                assertThat(told.path("data").path("code").asString()).isEqualTo("unavailable");
                assertThat(told.path("data").path("message").asString()).contains("since");
                alice.await(frame -> "error".equals(frame.path("type").asString()));
                // Node 1 never heard of the message stored while Redis was down: its joins read the store again.
                try (TestClient dave = TestClient.connected(cluster.port(1), Tokens.forUser("dave"))) {
                    JsonNode ack = dave.request(Frames.of("chat:join_room", room).id("j").build());
                    assertThat(ack.path("lastSeq").asLong()).isEqualTo(storedWhileDown);
                }

                // Cross-node delivery resumes; bob catches up on what he missed with since.
                alice.send(Frames.of("chat:send_message", room).data("tempId", "up").data("body", "back").build());
                assertThat(bob.await(frame -> "chat:message".equals(frame.path("type").asString())
                        && "back".equals(frame.path("data").path("body").asString()))).isNotNull();
                bob.request(Frames.of("chat:join_room", room).id("r").data("since", 0).build());
                assertThat(bob.await(frame -> "chat:confirmed".equals(frame.path("type").asString())
                        && "down".equals(frame.path("data").path("tempId").asString()))).isNotNull();
            }
        }
    }
}
