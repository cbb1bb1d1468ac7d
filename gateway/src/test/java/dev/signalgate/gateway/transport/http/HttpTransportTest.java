package dev.signalgate.gateway.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** The HTTP fallback transport with a plain HTTP client over loopback, beside WebSocket peers. */
@GatewayTest
class HttpTransportTest {

    @LocalServerPort
    int port;

    private static String room() {
        return "http-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void openingASessionChecksTheTokenAndTheOriginLikeTheUpgrade() throws Exception {
        assertRefused(HttpSessionClient.openRequest(port, null, Map.of()), 401, "unauthorized");
        assertRefused(HttpSessionClient.openRequest(port, "garbage", Map.of()), 401, "unauthorized");
        assertRefused(HttpSessionClient.openRequest(port, expiredToken("late"), Map.of()), 401, "unauthorized");
        assertRefused(HttpSessionClient.openRequest(port, Tokens.forUser("eve"),
                Map.of("Origin", "https://evil.example")), 403, "forbidden");
        HttpResponse<String> allowed = HttpSessionClient.openRequest(port, Tokens.forUser("ok"),
                Map.of("Origin", "https://clinic.example"));
        assertThat(allowed.statusCode()).isEqualTo(201);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://clinic.example");
    }

    @Test
    void aTokenInTheQueryStringIsNotTaken() {
        HttpResponse<String> answer = HttpSessionClient.send(HttpRequest.newBuilder(
                HttpSessionClient.uri(port, "?access_token=" + Tokens.forUser("query")))
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertRefused(answer, 401, "unauthorized");
    }

    @Test
    void theStreamIsUnbufferedUncachedAndStartsWithTheWelcome() {
        try (HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("welcomed"))) {
            SseStream stream = client.stream(0);
            HttpResponse<?> response = stream.response();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
            assertThat(response.headers().firstValue("X-Accel-Buffering")).hasValue("no");
            assertThat(response.headers().firstValue("Content-Encoding")).isEmpty();
            SseStream.Event welcome = stream.next();
            assertThat(welcome.id()).isEqualTo(1);
            assertThat(welcome.type()).isEqualTo("welcome");
            assertThat(welcome.data().path("data").path("userId").asString()).isEqualTo("welcomed");
            assertThat(welcome.data().path("data").path("connectionId").asString()).isEqualTo(client.id());
        }
    }

    @Test
    void chatRoundTripWithAWebSocketPeerInTheSameRoom() {
        String room = room();
        try (HttpSessionClient doctor = HttpSessionClient.open(port, Tokens.forUser("http-doctor"));
                TestClient patient = TestClient.connected(port, Tokens.forUser("ws-patient"))) {
            SseStream stream = doctor.stream(0);
            stream.awaitType("welcome");
            doctor.send(Frames.of("chat:join_room", room).id("j1").build());
            assertThat(stream.reply("j1").type()).isEqualTo("ack");
            patient.request(Frames.of("chat:join_room", room).id("j2").build());
            assertThat(stream.awaitType("chat:user_joined").data().path("data").path("userId").asString())
                    .isEqualTo("ws-patient");

            JsonNode answer = doctor.send(Frames.of("chat:send_message", room).id("m1")
                    .data("tempId", "t1").data("body", "over http").build());
            assertThat(answer.path("accepted").asInt()).isEqualTo(1);
            assertThat(stream.reply("m1").data().path("data").path("tempId").asString()).isEqualTo("t1");
            JsonNode relayed = patient.awaitType("chat:message");
            assertThat(relayed.path("from").asString()).isEqualTo("http-doctor");
            assertThat(relayed.path("data").path("body").asString()).isEqualTo("over http");
            assertThat(stream.awaitType("chat:confirmed").data().path("data").path("tempId").asString())
                    .isEqualTo("t1");

            patient.send(Frames.of("chat:send_message", room).id("m2").data("tempId", "t2").data("body", "over ws")
                    .build());
            SseStream.Event message = stream.awaitType("chat:message");
            assertThat(message.data().path("from").asString()).isEqualTo("ws-patient");
            assertThat(message.data().path("data").path("body").asString()).isEqualTo("over ws");
        }
    }

    @Test
    void aResumedStreamGetsWhatTheDroppedOneMissedWithNothingRepeated() {
        String room = room();
        try (HttpSessionClient reader = HttpSessionClient.open(port, Tokens.forUser("resumer"));
                TestClient sender = TestClient.connected(port, Tokens.forUser("sender"))) {
            SseStream first = reader.stream(0);
            first.awaitType("welcome");
            reader.send(Frames.of("chat:join_room", room).id("j").build());
            sender.request(Frames.of("chat:join_room", room).id("j").build());
            long seen = first.reply("j").id();
            first.close();
            for (int i = 0; i < 5; i++) {
                sender.send(Frames.of("chat:send_message", room).data("tempId", "t" + i)
                        .data("body", "while away " + i).build());
            }
            // Not request(): waiting for each ack would drop the confirmations that come before it.
            sender.collect("chat:confirmed", 5);
            SseStream resumed = reader.stream(seen);
            List<SseStream.Event> events = new ArrayList<>();
            int confirmed = 0;
            while (confirmed < 5) {
                SseStream.Event event = resumed.next();
                events.add(event);
                if ("chat:confirmed".equals(event.type())) {
                    confirmed++;
                }
            }
            for (int i = 0; i < events.size(); i++) {
                assertThat(events.get(i).id()).isEqualTo(seen + 1 + i);
            }
            assertThat(events).filteredOn(event -> "chat:message".equals(event.type()))
                    .extracting(event -> event.data().path("data").path("body").asString())
                    .containsExactly("while away 0", "while away 1", "while away 2", "while away 3",
                            "while away 4");
        }
    }

    @Test
    void aNewStreamReplacesTheOldOne() throws Exception {
        try (HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("replacer"))) {
            SseStream old = client.stream(0);
            old.awaitType("welcome");
            SseStream current = client.stream(1);
            assertThat(old.awaitEnd()).isTrue();
            client.send(Frames.of("chat:join_room", room()).id("j").build());
            assertThat(current.reply("j").id()).isEqualTo(2);
        }
    }

    @Test
    void aRetriedPostDoesNotRunItsFramesTwice() {
        String room = room();
        try (HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("retrier"))) {
            SseStream stream = client.stream(0);
            String join = HttpSessionClient.JSON.writeValueAsString(Frames.of("chat:join_room", room).id("j")
                    .build());
            assertThat(client.post(join, "").body()).contains("\"accepted\":1", "\"duplicates\":0");
            // The answer was lost: the client sends the same POST again.
            assertThat(client.post(join, "").body()).contains("\"accepted\":0", "\"duplicates\":1");
            // Frames without an id are deduplicated by the POST's batch number.
            String typing = HttpSessionClient.JSON.writeValueAsString(Frames.of("chat:typing", room).build());
            assertThat(client.post(typing, "?batch=7").body()).contains("\"accepted\":1");
            assertThat(client.post(typing, "?batch=7").body()).contains("\"accepted\":0", "\"duplicates\":1");
            client.send(Frames.of("chat:leave_room", room).id("marker").build());
            List<SseStream.Event> events = stream.until(event -> "marker".equals(event.data().path("id").asString()));
            assertThat(events).filteredOn(event -> "j".equals(event.data().path("id").asString())).hasSize(1);
        }
    }

    @Test
    void anotherUsersSessionIsRefused() {
        try (HttpSessionClient alice = HttpSessionClient.open(port, Tokens.forUser("alice-http"))) {
            String mallory = Tokens.forUser("mallory");
            assertRefused(alice.post("{\"type\":\"chat:join_room\",\"room\":\"x\"}", "", mallory), 403, "forbidden");
            assertRefused(alice.delete(mallory), 403, "forbidden");
            SseStream stolen = alice.stream(0, mallory);
            assertThat(stolen.response().statusCode()).isEqualTo(403);
        }
    }

    @Test
    void anUnknownSessionIsNotFoundAndAnEndedOneSaysHowItEnded() throws Exception {
        HttpResponse<String> unknown = HttpSessionClient.send(HttpRequest.newBuilder(
                HttpSessionClient.uri(port, "/nope/frames")).header("Authorization", "Bearer " + Tokens.forUser("u"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertRefused(unknown, 404, "not_found");

        HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("ender"));
        SseStream stream = client.stream(0);
        stream.awaitType("welcome");
        assertThat(client.delete(Tokens.forUser("ender")).statusCode()).isEqualTo(200);
        SseStream.Event close = stream.awaitClose();
        assertThat(close.data().path("code").asInt()).isEqualTo(1000);
        assertThat(stream.awaitEnd()).isTrue();
        HttpResponse<String> late = client.post("{\"type\":\"chat:typing\",\"room\":\"x\"}", "");
        assertThat(late.statusCode()).isEqualTo(410);
        assertThat(HttpSessionClient.JSON.readTree(late.body()).path("code").asInt()).isEqualTo(1000);
    }

    @Test
    void malformedBodiesGetTheContractsErrors() {
        try (HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("sloppy"))) {
            SseStream stream = client.stream(0);
            assertRefused(client.post("not json", ""), 400, "bad_request");
            assertRefused(client.post("42", ""), 400, "bad_request");
            assertRefused(client.post("", ""), 400, "bad_request");
            assertRefused(client.post("[]", "?ack=x"), 400, "bad_request");
            // Inside an array each element is a frame, refused as the socket refuses it, on the stream.
            assertThat(client.post("[{\"id\":\"no-type\"}, 7]", "").statusCode()).isEqualTo(200);
            SseStream.Event refused = stream.reply("no-type");
            assertThat(refused.type()).isEqualTo("error");
            assertThat(refused.data().path("data").path("code").asString()).isEqualTo("bad_request");
            assertThat(stream.awaitType("error").data().path("data").path("code").asString())
                    .isEqualTo("bad_request");
        }
    }

    @Test
    void aRefusedPostLeavesItsConnectionUsable() {
        try (HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("keepalive"))) {
            for (int i = 0; i < 5; i++) {
                assertRefused(client.post("[{\"type\":\"chat:typing\",\"room\":\"r\"}]", "?ack=x"), 400,
                        "bad_request");
                assertThat(client.post("[]", "").statusCode()).isEqualTo(200);
                assertRefused(client.post("[]", "", "garbage"), 401, "unauthorized");
            }
        }
        for (int i = 0; i < 5; i++) {
            HttpSessionClient ended = HttpSessionClient.open(port, Tokens.forUser("keepalive"));
            assertThat(ended.delete(Tokens.forUser("keepalive")).statusCode()).isEqualTo(200);
            assertRefused(HttpSessionClient.openRequest(port, null, Map.of()), 401, "unauthorized");
        }
    }

    @Test
    void anEnvelopeOverTheFrameLimitClosesTheSessionWith1009() {
        HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("big"));
        SseStream stream = client.stream(0);
        stream.awaitType("welcome");
        String huge = "{\"type\":\"chat:typing\",\"room\":\"r\",\"data\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}";
        HttpResponse<String> answer = client.post(huge, "");
        assertThat(answer.statusCode()).isEqualTo(413);
        assertThat(HttpSessionClient.JSON.readTree(answer.body()).path("code").asInt()).isEqualTo(1009);
        assertThat(stream.awaitClose().data().path("code").asInt()).isEqualTo(1009);
        assertThat(client.post("[]", "").statusCode()).isEqualTo(410);
    }

    @Test
    void transportsAreCountedInStatsAndMetrics() {
        try (HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("counted"))) {
            String service = Tokens.forUser("ops", "service", List.of("*"));
            HttpResponse<String> stats = HttpSessionClient.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/api/stats"))
                    .header("Authorization", "Bearer " + service).GET().build());
            assertThat(HttpSessionClient.JSON.readTree(stats.body()).path("transports").path("http").asInt())
                    .isPositive();
            HttpResponse<String> metrics = HttpSessionClient.send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).GET().build());
            assertThat(metrics.body()).contains("signalgate_transport_connections{transport=\"http\"}",
                    "signalgate_transport_connections{transport=\"websocket\"}");
        }
    }

    @Test
    void aLongPollAnswersAtOnceWhenEventsAreWaiting() {
        try (HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("poller"))) {
            HttpResponse<String> first = client.poll(0);
            assertThat(first.statusCode()).isEqualTo(200);
            assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-store");
            JsonNode events = HttpSessionClient.JSON.readTree(first.body()).path("events");
            assertThat(events.get(0).path("id").asLong()).isEqualTo(1);
            assertThat(events.get(0).path("data").path("type").asString()).isEqualTo("welcome");
            client.send(Frames.of("chat:join_room", room()).id("j").build());
            JsonNode next = HttpSessionClient.JSON.readTree(client.poll(1).body()).path("events");
            assertThat(next.get(0).path("id").asLong()).isEqualTo(2);
            assertThat(next.get(0).path("data").path("id").asString()).isEqualTo("j");
        }
    }

    private static void assertRefused(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(HttpSessionClient.JSON.readTree(response.body()).path("error").asString()).isEqualTo(error);
    }

    private static String expiredToken(String user) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder().subject(user)
                .expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(10)))).build());
        jwt.sign(new MACSigner(Tokens.SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
