package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** Contract section 4 end to end: confirm after the write, seq order, idempotent retries, resume, history. */
@GatewayTest
class DurableChatTest {

    @LocalServerPort
    int port;

    @Test
    void everyMemberGetsOneConfirmationPerMessageWithGrowingSeq() {
        String room = "durable-confirm";
        try (TestClient alice = joined("alice", room); TestClient bob = joined("bob", room)) {
            for (int i = 0; i < 5; i++) {
                send(alice, room, "t-" + i, "message " + i);
            }
            for (TestClient member : List.of(alice, bob)) {
                List<JsonNode> confirmed = member.collect("chat:confirmed", 5);
                long previous = 0;
                for (int i = 0; i < 5; i++) {
                    JsonNode frame = confirmed.get(i);
                    assertThat(frame.path("from").asString()).isEqualTo("alice");
                    assertThat(frame.path("room").asString()).isEqualTo(room);
                    assertThat(frame.path("seq").asLong()).isGreaterThan(previous);
                    previous = frame.path("seq").asLong();
                    JsonNode data = frame.path("data");
                    assertThat(data.path("tempId").asString()).isEqualTo("t-" + i);
                    assertThat(data.path("body").asString()).isEqualTo("message " + i);
                    assertThat(data.path("msgId").asString()).isNotEmpty();
                    assertThat(data.path("ts").asLong()).isPositive();
                }
            }
        }
    }

    @Test
    void metaIsPassedThroughAndStored() {
        String room = "durable-meta";
        try (TestClient alice = joined("alice", room)) {
            alice.request(Frames.of("chat:send_message", room).id("s").data("tempId", "t").data("body", "")
                    .data("meta", java.util.Map.of("ciphertext", "abc", "n", 2)).build());
            JsonNode confirmed = alice.awaitType("chat:confirmed");
            assertThat(confirmed.path("data").path("meta").path("ciphertext").asString()).isEqualTo("abc");
            JsonNode history = alice.request(Frames.of("chat:history", room).id("h").build());
            assertThat(history.path("messages").get(0).path("meta").path("n").asInt()).isEqualTo(2);
        }
    }

    @Test
    void retryAfterReconnectStoresNothingNewAndAnswersWithTheStoredMessage() {
        String room = "durable-retry";
        JsonNode original;
        try (TestClient alice = joined("alice", room)) {
            send(alice, room, "t-retry", "once");
            original = alice.awaitType("chat:confirmed");
        }
        try (TestClient alice = joined("alice", room); TestClient bob = joined("bob", room)) {
            send(alice, room, "t-retry", "once");
            JsonNode answer = alice.awaitType("chat:confirmed");
            assertThat(answer.path("seq").asLong()).isEqualTo(original.path("seq").asLong());
            assertThat(answer.path("data").path("msgId").asString())
                    .isEqualTo(original.path("data").path("msgId").asString());
            assertThat(ChatRoomTest.types(bob.drain(java.time.Duration.ofMillis(500))))
                    .doesNotContain("chat:confirmed");
            assertThat(historyTempIds(alice, room)).containsOnlyOnce("t-retry");
        }
    }

    @Test
    void retryWhileTheFirstWriteIsInFlightStoresOnce() {
        String room = "durable-inflight";
        try (TestClient tab1 = joined("alice", room); TestClient tab2 = joined("alice", room)) {
            tab1.send(Frames.of("chat:send_message", room).data("tempId", "t-twice").data("body", "x").build());
            tab2.send(Frames.of("chat:send_message", room).data("tempId", "t-twice").data("body", "x").build());
            long first = tab1.awaitType("chat:confirmed").path("seq").asLong();
            long second = tab2.awaitType("chat:confirmed").path("seq").asLong();
            assertThat(second).isEqualTo(first);
            assertThat(historyTempIds(tab1, room)).containsOnlyOnce("t-twice");
        }
    }

    @Test
    void joinAckCarriesLastSeqAndReadMarks() {
        String room = "durable-join";
        try (TestClient alice = joined("alice", room)) {
            send(alice, room, "t-1", "one");
            send(alice, room, "t-2", "two");
            long last = alice.collect("chat:confirmed", 2).get(1).path("seq").asLong();
            alice.request(Frames.of("chat:mark_seen", room).id("m").data("seq", last).build());
            try (TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
                JsonNode ack = bob.request(Frames.of("chat:join_room", room).id("j").build());
                assertThat(ack.path("lastSeq").asLong()).isEqualTo(last);
                assertThat(ack.path("readMarks").path("alice").asLong()).isEqualTo(last);
            }
        }
    }

    @Test
    void readMarksOnlyMoveForwardAndMembersAreTold() {
        String room = "durable-seen";
        try (TestClient alice = joined("alice", room); TestClient bob = joined("bob", room)) {
            for (int i = 0; i < 5; i++) {
                send(bob, room, "s-" + i, "m" + i);
            }
            alice.collect("chat:confirmed", 5);
            JsonNode ack = alice.request(Frames.of("chat:mark_seen", room).id("m1").data("seq", 5).build());
            assertThat(ack.path("seq").asLong()).isEqualTo(5);
            JsonNode seen = bob.awaitType("chat:seen");
            assertThat(seen.path("from").asString()).isEqualTo("alice");
            assertThat(seen.path("data").path("seq").asLong()).isEqualTo(5);

            JsonNode stale = alice.request(Frames.of("chat:mark_seen", room).id("m2").data("seq", 3).build());
            assertThat(stale.path("seq").asLong()).isEqualTo(5);
            assertThat(bob.awaitType("chat:seen").path("data").path("seq").asLong()).isEqualTo(5);
        }
    }

    @Test
    void aReadMarkBeyondTheLastMessageIsRefused() {
        String room = "durable-seen-future";
        try (TestClient alice = joined("alice", room)) {
            send(alice, room, "f-1", "only one");
            alice.awaitType("chat:confirmed");
            alice.send(Frames.of("chat:mark_seen", room).id("m").data("seq", 1_000_000).build());
            JsonNode error = alice.reply("m");
            assertThat(error.path("data").path("code").asString()).isEqualTo("bad_request");
            assertThat(error.path("data").path("message").asString()).contains("at most 1");
        }
    }

    @Test
    void historyPagesNewestFirst() {
        String room = "durable-history";
        try (TestClient alice = joined("alice", room)) {
            for (int i = 1; i <= 25; i++) {
                send(alice, room, "h-" + i, "m" + i);
            }
            alice.collect("chat:confirmed", 25);

            JsonNode page = alice.request(Frames.of("chat:history", room).id("p1").data("limit", 10).build());
            assertThat(seqs(page)).containsExactly(25L, 24L, 23L, 22L, 21L, 20L, 19L, 18L, 17L, 16L);
            assertThat(page.path("hasMore").asBoolean()).isTrue();
            JsonNode first = page.path("messages").get(0);
            assertThat(first.path("from").asString()).isEqualTo("alice");
            assertThat(first.path("body").asString()).isEqualTo("m25");
            assertThat(first.path("tempId").asString()).isEqualTo("h-25");

            JsonNode older = alice.request(Frames.of("chat:history", room).id("p2").data("before", 16)
                    .data("limit", 10).build());
            assertThat(seqs(older)).startsWith(15L).hasSize(10);
            JsonNode oldest = alice.request(Frames.of("chat:history", room).id("p3").data("before", 6)
                    .data("limit", 10).build());
            assertThat(seqs(oldest)).containsExactly(5L, 4L, 3L, 2L, 1L);
            assertThat(oldest.path("hasMore").asBoolean()).isFalse();
        }
    }

    @Test
    void historyBeyondTheLimitIsBadRequest() {
        try (TestClient alice = joined("alice", "durable-limit")) {
            alice.send(Frames.of("chat:history", "durable-limit").id("h").data("limit", 101).build());
            assertThat(alice.reply("h").path("data").path("code").asString()).isEqualTo("bad_request");
        }
    }

    @Test
    void resumeWithSinceWhileAnotherClientSendsEndsWithEveryMessageOnceInOrder() throws Exception {
        String room = "durable-resume";
        int total = 1_000;
        try (TestClient sender = joined("sender", room)) {
            TestClient reader = joined("reader", room);
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < total; i++) {
                    sender.send(Frames.of("chat:send_message", room).data("tempId", "r-" + i).data("body", "b" + i)
                            .build());
                }
            });
            // Read a while, then drop the connection mid-stream and resume from what was seen.
            List<Long> seen = new ArrayList<>();
            for (JsonNode frame : reader.collect("chat:confirmed", 150)) {
                seen.add(frame.path("seq").asLong());
            }
            reader.abort();
            long since = seen.get(seen.size() - 1);

            try (TestClient resumed = TestClient.connected(port, Tokens.forUser("reader"))) {
                resumed.send(Frames.of("chat:join_room", room).id("resume").data("since", since).build());
                sending.get();
                long firstSeq = seen.get(0);
                long lastSeq = firstSeq + total - 1;
                while (seen.get(seen.size() - 1) < lastSeq) {
                    JsonNode frame = resumed.awaitType("chat:confirmed");
                    seen.add(frame.path("seq").asLong());
                }
            }
            assertThat(seen).doesNotHaveDuplicates().isSorted();
            assertThat(seen.get(seen.size() - 1) - seen.get(0) + 1).isEqualTo(total);
            assertThat(seen).hasSize(total);
        }
    }

    private TestClient joined(String user, String room) {
        TestClient client = TestClient.connected(port, Tokens.forUser(user));
        client.request(Frames.of("chat:join_room", room).id("join").build());
        return client;
    }

    private static void send(TestClient client, String room, String tempId, String body) {
        client.send(Frames.of("chat:send_message", room).data("tempId", tempId).data("body", body).build());
    }

    private static List<Long> seqs(JsonNode page) {
        List<Long> seqs = new ArrayList<>();
        page.path("messages").forEach(message -> seqs.add(message.path("seq").asLong()));
        return seqs;
    }

    private static List<String> historyTempIds(TestClient client, String room) {
        JsonNode page = client.request(Frames.of("chat:history", room).id("hist-" + System.nanoTime())
                .data("limit", 100).build());
        List<String> tempIds = new ArrayList<>();
        page.path("messages").forEach(message -> tempIds.add(message.path("tempId").asString()));
        return tempIds;
    }
}
