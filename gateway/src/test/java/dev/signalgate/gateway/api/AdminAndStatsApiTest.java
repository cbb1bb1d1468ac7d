package dev.signalgate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/stats} and {@code POST /api/users/{userId}/disconnect}. */
@GatewayTest
class AdminAndStatsApiTest {

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    @Test
    void statsNeedAServiceToken() {
        assertThat(api.get(null, "/api/stats").status()).isEqualTo(401);
        assertThat(api.get("garbage", "/api/stats").status()).isEqualTo(401);
        assertThat(api.get(Tokens.forUser("alice", "doctor", List.of("*")), "/api/stats").status()).isEqualTo(403);
    }

    @Test
    void statsShowTotalsAndTheBusiestRoomsTheTokenCovers() {
        String prefix = "stats-" + UUID.randomUUID().toString().substring(0, 8);
        String busy = prefix + ":busy";
        String quiet = prefix + ":quiet";
        try (TestClient a = TestClient.connected(port, Tokens.forUser("stats-a"));
                TestClient b = TestClient.connected(port, Tokens.forUser("stats-b"));
                TestClient b2 = TestClient.connected(port, Tokens.forUser("stats-b"))) {
            a.request(Frames.of("chat:join_room", busy).id("j").build());
            b.request(Frames.of("chat:join_room", busy).id("j").build());
            b2.request(Frames.of("chat:join_room", busy).id("j").build());
            a.request(Frames.of("chat:join_room", quiet).id("j").build());
            a.request(Frames.of("webrtc:join_room", busy).id("w").build());

            ApiClient.Answer answer = api.get(ApiClient.serviceToken("ops", prefix + ":*"), "/api/stats?limit=5");

            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            JsonNode stats = answer.json();
            assertThat(stats.path("connections").asInt()).isGreaterThanOrEqualTo(3);
            assertThat(stats.path("users").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(stats.path("rooms").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(stats.path("calls").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(stats.path("pendingWrites").isInt()).isTrue();
            JsonNode rooms = stats.path("busiestRooms");
            assertThat(rooms.size()).isEqualTo(2);
            assertThat(rooms.get(0).toString()).isEqualTo("{\"room\":\"" + busy + "\",\"connections\":3,\"users\":2}");
            assertThat(rooms.get(1).toString()).isEqualTo("{\"room\":\"" + quiet + "\",\"connections\":1,\"users\":1}");

            JsonNode one = api.get(ApiClient.serviceToken("ops", prefix + ":*"), "/api/stats?limit=1").json();
            assertThat(one.path("busiestRooms").size()).isEqualTo(1);
            JsonNode none = api.get(ApiClient.serviceToken("ops", "elsewhere:*"), "/api/stats").json();
            assertThat(none.path("busiestRooms").toString()).doesNotContain(prefix);
        }
    }

    @Test
    void statsLimitOutOfRangeIsABadRequest() {
        String token = ApiClient.serviceToken("ops", "*");
        for (String limit : List.of("0", "101", "ten", "-1")) {
            ApiClient.Answer answer = api.get(token, "/api/stats?limit=" + limit);
            assertThat(answer.status()).as(limit).isEqualTo(400);
            assertThat(answer.json().path("message").asString()).contains("limit: expected an integer from 1 to 100");
        }
    }

    @Test
    void disconnectClosesEveryConnectionOfTheUserWith1008() {
        String user = "revoked-" + UUID.randomUUID();
        try (TestClient phone = TestClient.connected(port, Tokens.forUser(user));
                TestClient laptop = TestClient.connected(port, Tokens.forUser(user));
                TestClient other = TestClient.connected(port, Tokens.forUser("innocent"))) {

            ApiClient.Answer answer = api.post(ApiClient.serviceToken("ops", "*"), "/api/users/" + user + "/disconnect");

            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo("{\"disconnected\":2}");
            assertThat(phone.awaitCloseCode()).isEqualTo(1008);
            assertThat(laptop.awaitCloseCode()).isEqualTo(1008);
            assertThat(other.isClosed()).isFalse();
            other.request(Frames.of("chat:join_room", "still-here").id("j").build());
        }
    }

    @Test
    void disconnectOfAnAbsentUserAnswersZero() {
        ApiClient.Answer answer = api.post(ApiClient.serviceToken("ops", "*"), "/api/users/nobody-here/disconnect");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("{\"disconnected\":0}");
    }

    @Test
    void disconnectNeedsAServiceToken() {
        try (TestClient victim = TestClient.connected(port, Tokens.forUser("victim"))) {
            assertThat(api.post(null, "/api/users/victim/disconnect").status()).isEqualTo(401);
            assertThat(api.post(Tokens.forUser("mallory", "patient", List.of("*")), "/api/users/victim/disconnect")
                    .status()).isEqualTo(403);
            assertThat(victim.isClosed()).isFalse();
        }
    }
}
