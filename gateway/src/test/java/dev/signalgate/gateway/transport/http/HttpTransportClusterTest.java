package dev.signalgate.gateway.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.cluster.ClusterFixture;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes and a real Redis, no sticky sessions: a session opened on one node is read and fed through the
 * other, whose requests are handled once, in order, by the node that holds the session.
 */
class HttpTransportClusterTest {

    private static ClusterFixture cluster;

    @BeforeAll
    static void start() {
        cluster = new ClusterFixture(2);
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aSessionIsReadAndFedThroughTheNodeThatDoesNotHoldIt() throws Exception {
        String room = "cluster-http-" + UUID.randomUUID().toString().substring(0, 8);
        HttpSessionClient onOwner = HttpSessionClient.open(cluster.port(0), Tokens.forUser("roaming"));
        HttpSessionClient elsewhere = onOwner.via(cluster.port(1));
        try (TestClient peer = TestClient.connected(cluster.port(1), Tokens.forUser("peer"))) {
            SseStream stream = elsewhere.stream(0);
            assertThat(stream.response().headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("text/event-stream"));
            SseStream.Event welcome = stream.next();
            assertThat(welcome.id()).isEqualTo(1);
            assertThat(welcome.type()).isEqualTo("welcome");

            elsewhere.send(Frames.of("chat:join_room", room).id("j").build());
            assertThat(stream.reply("j").type()).isEqualTo("ack");
            peer.request(Frames.of("chat:join_room", room).id("j").build());

            // POSTs alternate between the nodes, as a round-robin load balancer sends them.
            for (int i = 0; i < 4; i++) {
                HttpSessionClient via = i % 2 == 0 ? elsewhere : onOwner;
                JsonNode answer = via.send(Frames.of("chat:send_message", room).id("m" + i)
                        .data("tempId", "t" + i).data("body", "hop " + i).build());
                assertThat(answer.path("accepted").asInt()).isEqualTo(1);
            }
            for (int i = 0; i < 4; i++) {
                assertThat(peer.awaitType("chat:message").path("data").path("body").asString()).isEqualTo("hop " + i);
            }
            // A retry through the other node is recognised: the session's node ran it already.
            String retry = HttpSessionClient.JSON.writeValueAsString(Frames.of("chat:send_message", room).id("m3")
                    .data("tempId", "t3").data("body", "hop 3").build());
            assertThat(elsewhere.post(retry, "").body()).contains("\"duplicates\":1");

            HttpResponse<String> stolen = elsewhere.post("[]", "", Tokens.forUser("mallory"));
            assertThat(stolen.statusCode()).isEqualTo(403);

            // A long-poll through the other node takes over from the stream, as a newer reader does.
            JsonNode polled = HttpSessionClient.JSON.readTree(elsewhere.poll(1).body());
            assertThat(polled.path("events").get(0).path("id").asLong()).isEqualTo(2);
            assertThat(stream.awaitEnd()).isTrue();

            SseStream resumed = elsewhere.stream(1);
            assertThat(resumed.next().id()).isEqualTo(2);
            assertThat(elsewhere.delete(Tokens.forUser("roaming")).statusCode()).isEqualTo(200);
            assertThat(resumed.awaitClose().data().path("code").asInt()).isEqualTo(1000);
            assertThat(peer.awaitType("chat:user_left").path("data").path("userId").asString()).isEqualTo("roaming");
        }
    }
}
