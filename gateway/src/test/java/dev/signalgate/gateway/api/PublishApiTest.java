package dev.signalgate.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.auth.TokenMinter;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/rooms/{room}/events}: contract section 7. */
@GatewayTest
class PublishApiTest {

    private static final String EVENT = "{\"type\":\"queue:updated\",\"data\":{\"waiting\":3}}";

    @LocalServerPort
    int port;

    private ApiClient api;

    @BeforeEach
    void client() {
        api = new ApiClient(port);
    }

    static Stream<Arguments> refusedRequests() {
        String service = ApiClient.serviceToken("queue-service", "clinic-7:*");
        String otherSecret = new TokenMinter("another-secret-that-is-long-enough-for-hs256-xyz".getBytes(
                StandardCharsets.UTF_8), null, null).mint("queue-service", null, "service", List.of("*"),
                Duration.ofHours(1));
        String doctor = Tokens.forUser("dr-house", "doctor", List.of("*"));
        String room = "clinic-7:queue";
        return Stream.of(
                Arguments.of("no token", null, room, EVENT, 401, "unauthorized", "Authorization: Bearer"),
                Arguments.of("token signed with another key", otherSecret, room, EVENT, 401, "unauthorized",
                        "signature"),
                Arguments.of("not a JWT", "not-a-jwt", room, EVENT, 401, "unauthorized", "malformed"),
                Arguments.of("role is not service", doctor, room, EVENT, 403, "forbidden", "role \"service\""),
                Arguments.of("room outside the rooms claim", service, "clinic-8:queue", EVENT, 403, "forbidden",
                        "rooms claim"),
                Arguments.of("room with a space", service, "clinic-7:bad%20room", EVENT, 400, "bad_request",
                        "room: expected only"),
                Arguments.of("room too long", service, "clinic-7:" + "a".repeat(130), EVENT, 400, "bad_request",
                        "at most 128"),
                Arguments.of("reserved namespace chat", service, room, "{\"type\":\"chat:message\",\"data\":{}}", 400,
                        "bad_request", "reserved"),
                Arguments.of("reserved namespace webrtc", service, room, "{\"type\":\"webrtc:offer\",\"data\":{}}",
                        400, "bad_request", "reserved"),
                Arguments.of("reserved namespace auth", service, room, "{\"type\":\"auth:refresh\",\"data\":{}}", 400,
                        "bad_request", "reserved"),
                Arguments.of("reserved namespace in capitals", service, room, "{\"type\":\"Chat:x\",\"data\":{}}", 400,
                        "bad_request", "reserved"),
                Arguments.of("missing type", service, room, "{\"data\":{}}", 400, "bad_request",
                        "type: expected a string \"<namespace>:<name>\""),
                Arguments.of("type not a string", service, room, "{\"type\":42,\"data\":{}}", 400, "bad_request",
                        "got the number 42"),
                Arguments.of("type without namespace", service, room, "{\"type\":\"updated\",\"data\":{}}", 400,
                        "bad_request", "\"<namespace>:<name>\""),
                Arguments.of("type with empty name", service, room, "{\"type\":\"queue:\",\"data\":{}}", 400,
                        "bad_request", "\"<namespace>:<name>\""),
                Arguments.of("type with a space", service, room, "{\"type\":\"queue:up dated\",\"data\":{}}", 400,
                        "bad_request", "U+0020"),
                Arguments.of("data a string", service, room, "{\"type\":\"queue:updated\",\"data\":\"x\"}", 400,
                        "bad_request", "data: expected a JSON object, got a string"),
                Arguments.of("data an array", service, room, "{\"type\":\"queue:updated\",\"data\":[1]}", 400,
                        "bad_request", "data: expected a JSON object, got an array"),
                Arguments.of("persist not a boolean", service, room,
                        "{\"type\":\"queue:updated\",\"data\":{},\"persist\":\"yes\"}", 400, "bad_request",
                        "persist: expected true or false"),
                Arguments.of("malformed JSON", service, room, "{\"type\":", 400, "bad_request", "invalid JSON"),
                Arguments.of("body an array", service, room, "[]", 400, "bad_request", "got an array"),
                Arguments.of("empty body", service, room, "", 400, "bad_request", "empty body"));
    }

    @ParameterizedTest(name = "{0}: {4}")
    @MethodSource("refusedRequests")
    void refusedRequestsAnswerAJsonErrorSayingWhy(String why, String token, String room, String body, int status,
            String error, String explanation) {
        ApiClient.Answer answer = api.publish(token, room, body);

        assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
        assertThat(answer.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(answer.json().path("error").asString()).isEqualTo(error);
        assertThat(answer.json().path("message").asString()).contains(explanation);
        if (status == 401) {
            assertThat(answer.response().headers().firstValue("WWW-Authenticate")).hasValue(
                    "Bearer error=\"invalid_token\"");
        }
    }

    @Test
    void tokenInTheQueryStringIsNotAccepted() {
        String token = ApiClient.serviceToken("queue-service", "*");

        ApiClient.Answer answer = api.postJson(null, "/api/rooms/clinic-7:queue/events?access_token=" + token, EVENT);

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void eventReachesEveryJoinedConnectionAndNobodyElse() {
        String room = "clinic-7:queue-" + UUID.randomUUID();
        try (TestClient phone = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient laptop = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient bystander = TestClient.connected(port, Tokens.forUser("bob"));
                TestClient elsewhere = TestClient.connected(port, Tokens.forUser("carol"))) {
            phone.request(Frames.of("chat:join_room", room).id("j").build());
            laptop.request(Frames.of("chat:join_room", room).id("j").build());
            elsewhere.request(Frames.of("chat:join_room", room + "-other").id("j").build());

            ApiClient.Answer answer = api.publish(ApiClient.serviceToken("queue-service", "clinic-7:*"), room, EVENT);

            assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
            assertThat(answer.body()).isEqualTo("{\"delivered\":2}");
            String expected = "{\"type\":\"queue:updated\",\"room\":\"" + room
                    + "\",\"from\":\"queue-service\",\"data\":{\"waiting\":3}}";
            assertThat(phone.awaitType("queue:updated").toString()).isEqualTo(expected);
            assertThat(laptop.awaitType("queue:updated").toString()).isEqualTo(expected);
            assertThat(bystander.drain(Duration.ofMillis(300))).isEmpty();
            assertThat(elsewhere.drain(Duration.ofMillis(300))).isEmpty();
        }
    }

    @Test
    void roomWithNobodyInItAnswersZeroDelivered() {
        ApiClient.Answer answer = api.publish(ApiClient.serviceToken("queue-service", "*"),
                "empty-" + UUID.randomUUID(), "{\"type\":\"queue:updated\"}");

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().path("delivered").asInt()).isZero();
    }

    @Test
    void leftMembersNoLongerGetEvents() {
        String room = "left-" + UUID.randomUUID();
        String service = ApiClient.serviceToken("queue-service", "*");
        try (TestClient alice = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
            alice.request(Frames.of("chat:join_room", room).id("j").build());
            bob.request(Frames.of("chat:join_room", room).id("j").build());
            bob.request(Frames.of("chat:leave_room", room).id("l").build());

            ApiClient.Answer answer = api.publish(service, room, EVENT);

            assertThat(answer.json().path("delivered").asInt()).isEqualTo(1);
            alice.awaitType("queue:updated");
            assertThat(bob.drain(Duration.ofMillis(300)))
                    .noneMatch(frame -> "queue:updated".equals(frame.path("type").asString()));
        }
    }

    @Test
    void persistedEventGetsASeqAndIsInHistoryAndInResume() {
        String room = "clinic-7:persist-" + UUID.randomUUID();
        String service = ApiClient.serviceToken("appointments", "clinic-7:*");
        try (TestClient alice = TestClient.connected(port, Tokens.forUser("alice"))) {
            alice.request(Frames.of("chat:join_room", room).id("j").build());
            alice.send(Frames.of("chat:send_message", room).data("tempId", "t-1").data("body", "before").build());
            assertThat(alice.awaitType("chat:confirmed").path("seq").asLong()).isEqualTo(1);

            ApiClient.Answer answer = api.publish(service, room,
                    "{\"type\":\"appointment:created\",\"data\":{\"at\":\"10:30\"},\"persist\":true}");

            assertThat(answer.status()).as(answer.toString()).isEqualTo(202);
            assertThat(answer.body()).isEqualTo("{\"delivered\":1,\"seq\":2}");
            assertThat(alice.awaitType("appointment:created").toString()).isEqualTo("{\"type\":\"appointment:created\","
                    + "\"room\":\"" + room + "\",\"from\":\"appointments\",\"seq\":2,\"data\":{\"at\":\"10:30\"}}");

            JsonNode history = alice.request(Frames.of("chat:history", room).id("h").build());
            JsonNode newest = history.path("messages").get(0);
            assertThat(newest.path("seq").asLong()).isEqualTo(2);
            assertThat(newest.path("type").asString()).isEqualTo("appointment:created");
            assertThat(newest.path("from").asString()).isEqualTo("appointments");
            assertThat(newest.path("data").path("at").asString()).isEqualTo("10:30");
            assertThat(history.path("messages").get(1).path("data").isMissingNode()).isTrue();
        }

        try (TestClient later = TestClient.connected(port, Tokens.forUser("bob"))) {
            later.send(Frames.of("chat:join_room", room).id("r").data("since", 0).build());
            List<JsonNode> replay = later.drain(Duration.ofSeconds(1)).stream()
                    .filter(frame -> frame.path("seq").asLong() > 0).toList();
            assertThat(replay).extracting(frame -> frame.path("seq").asLong()).containsExactly(1L, 2L);
            assertThat(isTheEvent(replay.get(1))).as(replay.get(1).toString()).isTrue();
        }
    }

    @Test
    void retryWithTheSameIdempotencyKeyStoresNothingNew() {
        String room = "clinic-7:retry-" + UUID.randomUUID();
        String service = ApiClient.serviceToken("appointments", "clinic-7:*");
        String event = "{\"type\":\"appointment:created\",\"data\":{\"at\":\"10:30\"},\"persist\":true}";
        try (TestClient alice = TestClient.connected(port, Tokens.forUser("alice"))) {
            alice.request(Frames.of("chat:join_room", room).id("j").build());

            ApiClient.Answer first = api.publish(service, room, event, "appt-42");
            ApiClient.Answer retry = api.publish(service, room,
                    "{\"type\":\"appointment:created\",\"data\":{\"at\":\"11:00\"},\"persist\":true}", "appt-42");
            ApiClient.Answer another = api.publish(service, room, event, "appt-43");

            assertThat(first.status()).as(first.toString()).isEqualTo(202);
            assertThat(first.body()).isEqualTo("{\"delivered\":1,\"seq\":1}");
            assertThat(retry.body()).as("the stored event's seq").isEqualTo("{\"delivered\":1,\"seq\":1}");
            assertThat(another.body()).isEqualTo("{\"delivered\":1,\"seq\":2}");
            List<JsonNode> live = alice.drain(Duration.ofSeconds(1)).stream()
                    .filter(frame -> "appointment:created".equals(frame.path("type").asString())).toList();
            assertThat(live).extracting(frame -> frame.path("seq").asLong() + "@" + frame.path("data").path("at")
                    .asString()).containsExactly("1@10:30", "1@10:30", "2@10:30");

            JsonNode history = alice.request(Frames.of("chat:history", room).id("h").build());
            assertThat(history.path("messages")).extracting(message -> message.path("seq").asLong())
                    .containsExactly(2L, 1L);
        }
    }

    @Test
    void malformedIdempotencyKeyIsRefused() {
        String service = ApiClient.serviceToken("appointments", "clinic-7:*");
        String event = "{\"type\":\"appointment:created\",\"data\":{},\"persist\":true}";

        ApiClient.Answer tooLong = api.publish(service, "clinic-7:queue", event, "k".repeat(129));
        ApiClient.Answer spaces = api.publish(service, "clinic-7:queue", event, "two words");

        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.json().path("message").asString()).contains("Idempotency-Key").contains("128");
        assertThat(spaces.status()).isEqualTo(400);
        assertThat(spaces.json().path("message").asString()).contains("visible ASCII");
    }

    /**
     * The resumed event: today {@code chat:confirmed} whose data carries {@code type} and {@code data}; or, if the
     * replay learns to send stored events as their own type, the event frame itself.
     */
    private static boolean isTheEvent(JsonNode frame) {
        if ("appointment:created".equals(frame.path("type").asString())) {
            return "10:30".equals(frame.path("data").path("at").asString());
        }
        return "chat:confirmed".equals(frame.path("type").asString())
                && "appointment:created".equals(frame.path("data").path("type").asString())
                && "10:30".equals(frame.path("data").path("data").path("at").asString())
                && "appointments".equals(frame.path("from").asString());
    }

    @Test
    void bodyLargerThanAFrameIsRefused() {
        String big = "{\"type\":\"queue:updated\",\"data\":{\"x\":\"" + "a".repeat(70 * 1024) + "\"}}";

        ApiClient.Answer answer = api.publish(ApiClient.serviceToken("queue-service", "*"), "big", big);

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().path("error").asString()).isEqualTo("too_large");
    }
}
