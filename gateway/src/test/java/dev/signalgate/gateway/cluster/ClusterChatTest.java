package dev.signalgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.api.ApiClient;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** Chat between clients on different nodes: presence, messages, seq, resume, typing, read marks, publish API. */
class ClusterChatTest {

    static ClusterFixture cluster;

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static TestClient joined(int node, String user, String room) {
        TestClient client = TestClient.connected(cluster.port(node), Tokens.forUser(user));
        client.request(Frames.of("chat:join_room", room).id("j").build());
        return client;
    }

    @Test
    void membersAndMessagesCrossNodes() {
        String room = "cluster-chat-1";
        try (TestClient alice = joined(0, "alice", room)) {
            TestClient bob = TestClient.connected(cluster.port(1), Tokens.forUser("bob"));
            JsonNode ack = bob.request(Frames.of("chat:join_room", room).id("j").build());
            assertThat(ack.path("members").values().stream().map(JsonNode::asString).toList())
                    .containsExactlyInAnyOrder("alice", "bob");
            assertThat(alice.awaitType("chat:user_joined").path("data").path("userId").asString()).isEqualTo("bob");

            alice.request(Frames.of("chat:send_message", room).id("s").data("tempId", "t1").data("body", "hi bob")
                    .build());
            JsonNode message = bob.awaitType("chat:message");
            assertThat(message.path("from").asString()).isEqualTo("alice");
            assertThat(message.path("data").path("body").asString()).isEqualTo("hi bob");
            JsonNode confirmed = bob.awaitType("chat:confirmed");
            assertThat(confirmed.path("seq").asLong()).isPositive();
            assertThat(alice.awaitType("chat:confirmed").path("seq").asLong())
                    .isEqualTo(confirmed.path("seq").asLong());
            // Alice's own node delivers her messages once: no echo of the chat:message through Redis.
            assertThat(alice.drain(Duration.ofMillis(300)).stream().map(f -> f.path("type").asString()))
                    .doesNotContain("chat:message", "chat:confirmed");

            bob.send(Frames.of("chat:typing", room).build());
            assertThat(alice.awaitType("chat:typing").path("from").asString()).isEqualTo("bob");

            bob.request(Frames.of("chat:mark_seen", room).id("m").data("seq", confirmed.path("seq").asLong())
                    .build());
            JsonNode seen = alice.awaitType("chat:seen");
            assertThat(seen.path("from").asString()).isEqualTo("bob");

            bob.close();
            assertThat(alice.awaitType("chat:user_left").path("data").path("userId").asString()).isEqualTo("bob");
        }
    }

    @Test
    void userJoinedAndLeftOnlyForTheFirstAndLastConnectionClusterWide() {
        String room = "cluster-chat-2";
        try (TestClient carol = joined(0, "carol", room)) {
            TestClient daveOnA = joined(0, "dave", room);
            assertThat(carol.awaitType("chat:user_joined").path("data").path("userId").asString()).isEqualTo("dave");
            TestClient daveOnB = joined(1, "dave", room);
            daveOnA.close();
            assertThat(carol.drain(Duration.ofMillis(700)).stream().map(f -> f.path("type").asString()))
                    .doesNotContain("chat:user_joined", "chat:user_left");
            daveOnB.close();
            assertThat(carol.awaitType("chat:user_left").path("data").path("userId").asString()).isEqualTo("dave");
        }
    }

    @Test
    void seqStaysDenseWithTwoNodesWritingOneRoomAndResumeWorksOnEitherNode() {
        String room = "cluster-chat-3";
        int each = 25;
        try (TestClient erin = joined(0, "erin", room); TestClient frank = joined(1, "frank", room)) {
            for (int i = 0; i < each; i++) {
                erin.send(Frames.of("chat:send_message", room).data("tempId", "e" + i).data("body", "e" + i).build());
                frank.send(Frames.of("chat:send_message", room).data("tempId", "f" + i).data("body", "f" + i).build());
            }
            for (TestClient member : List.of(erin, frank)) {
                Set<Long> seqs = new HashSet<>();
                member.collect("chat:confirmed", 2 * each).forEach(f -> seqs.add(f.path("seq").asLong()));
                assertThat(seqs).hasSize(2 * each);
                assertThat(seqs.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(2L * each);
            }
        }
        for (int node = 0; node < 2; node++) {
            try (TestClient late = TestClient.connected(cluster.port(node), Tokens.forUser("late" + node))) {
                late.request(Frames.of("chat:join_room", room).id("j").data("since", 10).build());
                List<Long> replayed = new ArrayList<>();
                late.collect("chat:confirmed", 2 * each - 10).forEach(f -> replayed.add(f.path("seq").asLong()));
                assertThat(replayed).isSorted().first().isEqualTo(11L);
                assertThat(replayed).last().isEqualTo(2L * each);
            }
        }
    }

    @Test
    void aJoinAckCountsWhatAnotherNodeStoredAfterThisNodeLastReadTheRoom() {
        String room = "cluster-chat-join-state";
        // Ivy's join makes node 0 read the room's store state once; what follows is stored through node 1.
        try (TestClient ivy = joined(0, "ivy", room); TestClient jack = joined(1, "jack", room)) {
            for (int i = 0; i < 3; i++) {
                jack.send(Frames.of("chat:send_message", room).data("tempId", "j" + i).data("body", "j" + i).build());
            }
            long last = jack.collect("chat:confirmed", 3).get(2).path("seq").asLong();
            ivy.collect("chat:confirmed", 3);
            jack.request(Frames.of("chat:mark_seen", room).id("m").data("seq", last).build());
            ivy.awaitType("chat:seen");

            try (TestClient kim = TestClient.connected(cluster.port(0), Tokens.forUser("kim"))) {
                JsonNode ack = kim.request(Frames.of("chat:join_room", room).id("j").build());
                assertThat(ack.path("lastSeq").asLong()).isEqualTo(last);
                assertThat(ack.path("readMarks").path("jack").asLong()).isEqualTo(last);
            }
        }
    }

    @Test
    void publishApiOnOneNodeReachesMembersOnEveryNode() {
        String room = "cluster-chat-4";
        try (TestClient onA = joined(0, "gina", room); TestClient onB = joined(1, "hank", room)) {
            ApiClient api = new ApiClient(cluster.port(0));
            var answer = api.publish(ApiClient.serviceToken("backend", "*"), room,
                    "{\"type\":\"queue:updated\",\"data\":{\"n\":1}}");
            assertThat(answer.status()).isEqualTo(202);
            assertThat(onA.awaitType("queue:updated").path("from").asString()).isEqualTo("backend");
            assertThat(onB.awaitType("queue:updated").path("data").path("n").asInt()).isEqualTo(1);
        }
    }
}
