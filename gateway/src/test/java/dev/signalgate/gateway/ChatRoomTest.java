package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

@GatewayTest
class ChatRoomTest {

    private static final Duration QUIET = Duration.ofMillis(300);

    @LocalServerPort
    int port;

    @Test
    void roomsClaimAllowsExactIdsAndPrefixesAndNothingElse() {
        String token = Tokens.forUser("dana", "patient", List.of("clinic-7:*", "lobby"));
        try (TestClient client = TestClient.connected(port, token)) {
            assertThat(join(client, "clinic-7:waiting", "j1").path("type").asString()).isEqualTo("ack");
            assertThat(join(client, "lobby", "j2").path("type").asString()).isEqualTo("ack");
            JsonNode refused = join(client, "clinic-8:waiting", "j3");
            assertThat(refused.path("type").asString()).isEqualTo("error");
            assertThat(refused.path("data").path("code").asString()).isEqualTo("forbidden");
            assertThat(join(client, "lobby2", "j4").path("data").path("code").asString()).isEqualTo("forbidden");
        }
    }

    @Test
    void tokenWithoutRoomsClaimMayJoinNoRoom() {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("eve", null, null))) {
            assertThat(join(client, "anything", "j1").path("data").path("code").asString()).isEqualTo("forbidden");
        }
    }

    @Test
    void presenceCountsUsersNotConnections() {
        String room = "presence-1";
        try (TestClient bob = TestClient.connected(port, Tokens.forUser("bob"));
                TestClient aliceTab1 = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient aliceTab2 = TestClient.connected(port, Tokens.forUser("alice"))) {
            join(bob, room, "b1");

            JsonNode ack = join(aliceTab1, room, "a1");
            assertThat(ack.path("data").path("members").toString()).isEqualTo("[\"bob\",\"alice\"]");
            JsonNode joined = bob.awaitType("chat:user_joined");
            assertThat(joined.path("data").path("userId").asString()).isEqualTo("alice");
            assertThat(joined.path("from").asString()).isEqualTo("alice");

            JsonNode secondAck = join(aliceTab2, room, "a2");
            assertThat(secondAck.path("data").path("members").toString()).isEqualTo("[\"bob\",\"alice\"]");
            assertThat(types(bob.drain(QUIET))).doesNotContain("chat:user_joined");

            aliceTab1.request(Frames.of("chat:leave_room", room).id("l1").build());
            assertThat(types(bob.drain(QUIET))).doesNotContain("chat:user_left");

            aliceTab2.request(Frames.of("chat:leave_room", room).id("l2").build());
            assertThat(bob.awaitType("chat:user_left").path("data").path("userId").asString()).isEqualTo("alice");
        }
    }

    @Test
    void closingTheSocketLeavesEveryRoom() {
        try (TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
            join(bob, "close-1", "b1");
            TestClient carol = TestClient.connected(port, Tokens.forUser("carol"));
            join(carol, "close-1", "c1");
            bob.awaitType("chat:user_joined");
            carol.close();
            JsonNode left = bob.awaitType("chat:user_left");
            assertThat(left.path("data").path("userId").asString()).isEqualTo("carol");
        }
    }

    @Test
    void leavingARoomNotJoinedIsNotInRoom() {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("frank"))) {
            client.send(Frames.of("chat:leave_room", "never-joined").id("l1").build());
            assertThat(client.reply("l1").path("data").path("code").asString()).isEqualTo("not_in_room");
        }
    }

    @Test
    void typingIsRelayedToOthersButNotEchoedToTheSendersConnections() {
        String room = "typing-1";
        try (TestClient alice = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient aliceOtherTab = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
            join(alice, room, "a1");
            join(aliceOtherTab, room, "a2");
            join(bob, room, "b1");

            alice.send(Frames.of("chat:typing", room).build());
            JsonNode typing = bob.awaitType("chat:typing");
            assertThat(typing.path("from").asString()).isEqualTo("alice");
            assertThat(typing.path("room").asString()).isEqualTo(room);
            alice.send(Frames.of("chat:stop_typing", room).build());
            assertThat(bob.awaitType("chat:stop_typing").path("from").asString()).isEqualTo("alice");

            assertThat(types(alice.drain(QUIET))).doesNotContain("chat:typing", "chat:stop_typing");
            assertThat(types(aliceOtherTab.drain(QUIET))).doesNotContain("chat:typing", "chat:stop_typing");
        }
    }

    @Test
    void typingOutsideTheRoomIsNotInRoom() {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("gina"))) {
            client.send(Frames.of("chat:typing", "elsewhere").id("t1").build());
            assertThat(client.reply("t1").path("data").path("code").asString()).isEqualTo("not_in_room");
        }
    }

    @Test
    void messageReachesOthersAtOnceAndTheSenderGetsItsAck() {
        String room = "send-1";
        try (TestClient alice = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
            join(alice, room, "a1");
            join(bob, room, "b1");

            JsonNode ack = alice.request(Frames.of("chat:send_message", room).id("s1")
                    .data("tempId", "t-1").data("body", "hello").data("meta", java.util.Map.of("k", 1)).build());
            assertThat(ack.path("tempId").asString()).isEqualTo("t-1");

            JsonNode message = bob.awaitType("chat:message");
            assertThat(message.path("from").asString()).isEqualTo("alice");
            assertThat(message.path("room").asString()).isEqualTo(room);
            assertThat(message.path("data").path("tempId").asString()).isEqualTo("t-1");
            assertThat(message.path("data").path("body").asString()).isEqualTo("hello");
            assertThat(message.path("data").path("meta").path("k").asInt()).isEqualTo(1);
            assertThat(message.path("data").path("ts").asLong()).isPositive();
            assertThat(types(alice.drain(QUIET))).doesNotContain("chat:message");
        }
    }

    @Test
    void spoofedFromIsIgnored() {
        String room = "spoof-1";
        try (TestClient mallory = TestClient.connected(port, Tokens.forUser("mallory"));
                TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
            join(mallory, room, "m1");
            join(bob, room, "b1");
            mallory.send(Frames.of("chat:send_message", room).id("s1").field("from", "doctor")
                    .data("tempId", "t-1").data("body", "trust me").build());
            assertThat(bob.awaitType("chat:message").path("from").asString()).isEqualTo("mallory");
            mallory.send(Frames.of("chat:typing", room).field("from", "doctor").build());
            assertThat(bob.awaitType("chat:typing").path("from").asString()).isEqualTo("mallory");
        }
    }

    @Test
    void sendingWithoutJoiningIsNotInRoom() {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("henry"))) {
            client.send(Frames.of("chat:send_message", "not-joined").id("s1")
                    .data("tempId", "t").data("body", "x").build());
            assertThat(client.reply("s1").path("data").path("code").asString()).isEqualTo("not_in_room");
        }
    }

    @Test
    void joiningTwiceIsAcknowledgedAndChangesNothing() {
        try (TestClient alice = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
            join(bob, "twice", "b1");
            join(alice, "twice", "a1");
            bob.awaitType("chat:user_joined");
            assertThat(join(alice, "twice", "a2").path("type").asString()).isEqualTo("ack");
            assertThat(types(bob.drain(QUIET))).doesNotContain("chat:user_joined");
        }
    }

    static JsonNode join(TestClient client, String room, String id) {
        client.send(Frames.of("chat:join_room", room).id(id).build());
        return client.reply(id);
    }

    static List<String> types(List<JsonNode> frames) {
        return frames.stream().map(frame -> frame.path("type").asString()).toList();
    }
}
