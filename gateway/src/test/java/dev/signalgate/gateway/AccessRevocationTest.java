package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.api.ApiClient;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** Access taken away takes effect at once: a narrower token on auth:refresh, and a backend's removal. */
@GatewayTest
class AccessRevocationTest {

    @LocalServerPort
    int port;

    private TestClient member(String user, List<String> rooms, String... joined) {
        TestClient client = TestClient.connected(port, Tokens.forUser(user, null, rooms));
        for (String room : joined) {
            client.request(Frames.of("chat:join_room", room).id("j-" + room).build());
        }
        return client;
    }

    /** Sends auth:refresh; the auth:rooms_revoked it may cause comes before its ack, so the ack is not awaited. */
    private static void refresh(TestClient client, String user, List<String> rooms) {
        client.send(Frames.of("auth:refresh", null).id("r").data("token", Tokens.forUser(user, null, rooms)).build());
    }

    private static JsonNode revokedThenAck(TestClient client) {
        JsonNode revoked = client.awaitType("auth:rooms_revoked");
        JsonNode ack = client.next();
        assertThat(ack.path("type").asString()).isEqualTo("ack");
        assertThat(ack.path("id").asString()).isEqualTo("r");
        return revoked;
    }

    private static List<String> roomsOf(JsonNode revoked) {
        return revoked.path("data").path("rooms").values().stream().map(JsonNode::asString).toList();
    }

    /** The user_left and peer_left frames, in whichever order they come. */
    private static void assertLeftRoomAndCall(TestClient peer, String user) {
        Map<String, JsonNode> seen = new HashMap<>();
        while (seen.size() < 2) {
            JsonNode frame = peer.await(f -> f.path("type").asString().equals("chat:user_left")
                    || f.path("type").asString().equals("webrtc:peer_left"));
            seen.put(frame.path("type").asString(), frame);
        }
        assertThat(seen.get("chat:user_left").path("data").path("userId").asString()).isEqualTo(user);
        assertThat(seen.get("webrtc:peer_left").path("from").asString()).isEqualTo(user);
    }

    private static String errorCode(TestClient client, String id, Map<String, Object> frame) {
        client.send(frame);
        JsonNode reply = client.reply(id);
        assertThat(reply.path("type").asString()).isEqualTo("error");
        return reply.path("data").path("code").asString();
    }

    @Test
    void aRefreshThatNarrowsLeavesTheRoomAndItsCallAtOnce() {
        try (TestClient alice = member("n-alice", List.of("n-consult", "n-lobby"), "n-consult", "n-lobby");
                TestClient bob = member("n-bob", List.of("*"), "n-consult")) {
            alice.request(Frames.of("webrtc:join_room", "n-consult").id("c").build());
            bob.request(Frames.of("webrtc:join_room", "n-consult").id("c").build());

            refresh(alice, "n-alice", List.of("n-lobby"));

            JsonNode revoked = revokedThenAck(alice);
            assertThat(roomsOf(revoked)).containsExactly("n-consult");
            assertThat(revoked.path("data").path("reason").asString()).isEqualTo("token_narrowed");
            assertLeftRoomAndCall(bob, "n-alice");

            bob.request(Frames.of("chat:send_message", "n-consult").id("s").data("tempId", "t1").data("body", "x")
                    .build());
            assertThat(errorCode(alice, "s2", Frames.of("chat:send_message", "n-consult").id("s2")
                    .data("tempId", "t2").data("body", "y").build())).isEqualTo("not_in_room");
            assertThat(errorCode(alice, "o", Frames.of("webrtc:offer", "n-consult").id("o").data("sdp", "v=0")
                    .build())).isEqualTo("not_in_room");
            assertThat(errorCode(alice, "j2", Frames.of("chat:join_room", "n-consult").id("j2").build()))
                    .isEqualTo("forbidden");
            // The room still covered is untouched.
            alice.request(Frames.of("chat:typing", "n-lobby").id("t").build());
            assertThat(alice.drain(Duration.ofMillis(300)).stream().map(f -> f.path("type").asString()))
                    .doesNotContain("chat:message", "chat:confirmed");
        }
    }

    @Test
    void aRefreshThatWidensLeavesNothingAndAllowsTheNewRoom() {
        try (TestClient carol = member("w-carol", List.of("w-a"), "w-a")) {
            refresh(carol, "w-carol", List.of("w-a", "w-b"));
            assertThat(carol.reply("r").path("type").asString()).isEqualTo("ack");
            carol.request(Frames.of("chat:join_room", "w-b").id("jb").build());
            carol.request(Frames.of("chat:typing", "w-a").id("t").build());
            assertThat(carol.drain(Duration.ofMillis(300)).stream().map(f -> f.path("type").asString()))
                    .doesNotContain("auth:rooms_revoked");
        }
    }

    @Test
    void aRefreshToAPatternKeepsTheRoomsItCoversAndLeavesTheOthers() {
        try (TestClient dave = member("p-dave", List.of("p-clinic:a", "p-clinic:b", "p-other"), "p-clinic:a",
                "p-other");
                TestClient erin = member("p-erin", List.of("*"), "p-clinic:a", "p-other")) {
            dave.request(Frames.of("webrtc:join_room", "p-clinic:b").id("c").build());

            refresh(dave, "p-dave", List.of("p-clinic:*"));

            assertThat(roomsOf(revokedThenAck(dave))).containsExactly("p-other");
            JsonNode left = erin.awaitType("chat:user_left");
            assertThat(left.path("room").asString()).isEqualTo("p-other");
            dave.request(Frames.of("chat:typing", "p-clinic:a").id("t").build());
            dave.request(Frames.of("webrtc:offer", "p-clinic:b").id("o").data("sdp", "v=0").build());
        }
    }

    @Test
    void anotherConnectionOfTheUserKeepsItPresent() {
        try (TestClient tab1 = member("m-fay", List.of("m-room"), "m-room");
                TestClient tab2 = member("m-fay", List.of("m-room"), "m-room");
                TestClient gus = member("m-gus", List.of("*"), "m-room")) {
            refresh(tab1, "m-fay", List.of());
            assertThat(roomsOf(revokedThenAck(tab1))).containsExactly("m-room");
            assertThat(gus.drain(Duration.ofMillis(300)).stream().map(f -> f.path("type").asString()))
                    .doesNotContain("chat:user_left");
            tab2.request(Frames.of("chat:typing", "m-room").id("t").build());
        }
    }

    @Test
    void aRemovedUserLeavesTheRoomAndItsCallAndMayNotRejoinWithItsOldToken() {
        ApiClient api = new ApiClient(port);
        String room = "rm-consult";
        try (TestClient patient1 = member("rm-pat", List.of(room), room);
                TestClient patient2 = member("rm-pat", List.of(room), room);
                TestClient doctor = member("rm-doc", List.of("*"), room)) {
            patient1.request(Frames.of("webrtc:join_room", room).id("c").build());
            doctor.request(Frames.of("webrtc:join_room", room).id("c").build());

            ApiClient.Answer answer = api.post(ApiClient.serviceToken("backend", room),
                    "/api/rooms/" + room + "/members/rm-pat/remove");

            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.json().path("removed").asInt()).isEqualTo(2);
            for (TestClient tab : List.of(patient1, patient2)) {
                JsonNode revoked = tab.awaitType("auth:rooms_revoked");
                assertThat(roomsOf(revoked)).containsExactly(room);
                assertThat(revoked.path("data").path("reason").asString()).isEqualTo("removed");
            }
            assertLeftRoomAndCall(doctor, "rm-pat");
            assertThat(errorCode(patient1, "j2", Frames.of("chat:join_room", room).id("j2").build()))
                    .isEqualTo("forbidden");
            assertThat(errorCode(patient2, "c2", Frames.of("webrtc:join_room", room).id("c2").build()))
                    .isEqualTo("forbidden");
            // A second removal finds nothing left to remove.
            assertThat(api.post(ApiClient.serviceToken("backend", room),
                    "/api/rooms/" + room + "/members/rm-pat/remove").json().path("removed").asInt()).isZero();

            // A token issued after the removal (iat within the allowed clock skew ahead) joins again.
            String newer = Tokens.issuedAt("rm-pat", List.of(room), Instant.now().plusSeconds(2));
            try (TestClient back = TestClient.connected(port, newer)) {
                back.request(Frames.of("chat:join_room", room).id("j").build());
                assertThat(doctor.awaitType("chat:user_joined").path("data").path("userId").asString())
                        .isEqualTo("rm-pat");
            }
        }
    }

    @Test
    void removalNeedsAServiceTokenThatCoversTheRoom() {
        ApiClient api = new ApiClient(port);
        assertThat(api.post(null, "/api/rooms/x-room/members/u/remove").status()).isEqualTo(401);
        assertThat(api.post(Tokens.forUser("u"), "/api/rooms/x-room/members/u/remove").status()).isEqualTo(403);
        assertThat(api.post(ApiClient.serviceToken("backend", "other"), "/api/rooms/x-room/members/u/remove")
                .status()).isEqualTo(403);
        assertThat(api.post(ApiClient.serviceToken("backend", "*"), "/api/rooms/bad%20room/members/u/remove")
                .status()).isEqualTo(400);
        assertThat(api.post(ApiClient.serviceToken("backend", "x-*"), "/api/rooms/x-room/members/nobody/remove")
                .json().path("removed").asInt()).isZero();
    }
}
