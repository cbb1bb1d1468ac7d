package dev.signalgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.api.ApiClient;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;

/** {@code /actuator/prometheus} shows the gateway's meters, and they move with traffic. */
@GatewayTest
class MetricsEndpointTest {

    @LocalServerPort
    int port;

    @Test
    void metricsMoveWithTraffic() throws Exception {
        String room = "metrics-" + UUID.randomUUID();
        Scrape before = Scrape.of(port);
        assertThat(before.has("signalgate_connections")).as(before.text()).isTrue();
        assertThat(before.has("signalgate_frames_in_total{type=\"chat:send_message\"}")).isTrue();

        try (TestClient alice = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
            alice.request(Frames.of("chat:join_room", room).id("j").build());
            bob.request(Frames.of("chat:join_room", room).id("j").build());
            for (int i = 0; i < 5; i++) {
                alice.send(Frames.of("chat:send_message", room).data("tempId", "m" + i).data("body", "hi " + i).build());
            }
            alice.collect("chat:confirmed", 5);
            bob.collect("chat:confirmed", 5);
            alice.send("this is not json");
            alice.awaitType("error");
            ApiClient.Answer published = new ApiClient(port).publish(ApiClient.serviceToken("queue", "*"), room,
                    "{\"type\":\"queue:updated\",\"data\":{}}");
            assertThat(published.status()).isEqualTo(202);
            bob.awaitType("queue:updated");
            try {
                TestClient.connect(port, "not-a-token").close();
            } catch (TestClient.HandshakeRefused expected) {
                // counted below
            }

            Scrape after = Scrape.of(port);

            assertThat(after.value("signalgate_connections")).isGreaterThanOrEqualTo(2);
            assertThat(after.value("signalgate_users")).isGreaterThanOrEqualTo(2);
            assertThat(after.value("signalgate_rooms{kind=\"chat\"}")).isGreaterThanOrEqualTo(1);
            assertThat(after.has("signalgate_rooms{kind=\"call\"}")).isTrue();
            assertThat(after.since(before, "signalgate_connections_opened_total")).isGreaterThanOrEqualTo(2);
            assertThat(after.since(before, "signalgate_frames_in_total{type=\"chat:send_message\"}")).isEqualTo(5);
            assertThat(after.since(before, "signalgate_frames_in_total{type=\"invalid\"}")).isGreaterThanOrEqualTo(1);
            assertThat(after.since(before, "signalgate_frames_refused_total{code=\"bad_request\"}"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(after.since(before, "signalgate_frames_out_total{type=\"chat:message\"}")).isEqualTo(5);
            assertThat(after.since(before, "signalgate_frames_out_total{type=\"chat:confirmed\"}")).isEqualTo(10);
            assertThat(after.since(before, "signalgate_frames_out_total{type=\"event\"}")).isEqualTo(2);
            assertThat(after.since(before, "signalgate_events_published_total{persisted=\"false\"}")).isEqualTo(1);
            assertThat(after.since(before, "signalgate_events_delivered_total")).isEqualTo(2);
            assertThat(after.since(before, "signalgate_handshake_refused_total{status=\"401\"}")).isEqualTo(1);
            assertThat(after.since(before, "signalgate_message_relay_seconds_count")).isEqualTo(5);
            assertThat(after.since(before, "signalgate_message_confirm_seconds_count")).isEqualTo(5);
            assertThat(after.text()).contains("signalgate_message_confirm_seconds_bucket{le=\"");
            assertThat(after.since(before, "signalgate_store_batch_size_messages_sum")).isEqualTo(5);
            assertThat(after.since(before, "signalgate_store_batch_size_messages_count")).isBetween(1.0, 5.0);
            assertThat(after.has("signalgate_store_batch_failures_total")).isTrue();
            assertThat(after.has("signalgate_store_pending")).isTrue();
            assertThat(after.since(before, "signalgate_store_queue_wait_seconds_count")).isBetween(1.0, 5.0);
            assertThat(after.value("signalgate_store_batch_limit_messages")).isEqualTo(256);
            assertThat(after.has("signalgate_store_shed_total")).isTrue();
            assertThat(after.has("signalgate_store_timeouts_total")).isTrue();
            assertThat(after.since(before, "signalgate_store_batch_retries_messages_count")).isBetween(1.0, 5.0);
            assertThat(after.since(before, "signalgate_store_batch_retries_messages_sum")).isZero();
            assertThat(after.has("signalgate_store_retries_from_memory_messages_total")).isTrue();
            assertThat(after.has("signalgate_slow_consumer_closes_total")).isTrue();
            assertThat(after.has("signalgate_frames_dropped_total{reason=\"overflow\"}")).isTrue();
        }
    }

    @Test
    void backendEventTypesNeverBecomeTags() throws Exception {
        String room = "tags-" + UUID.randomUUID();
        try (TestClient alice = TestClient.connected(port, Tokens.forUser("alice"))) {
            alice.request(Frames.of("chat:join_room", room).id("j").build());
            String type = "custom" + UUID.randomUUID().toString().substring(0, 8) + ":happened";
            new ApiClient(port).publish(ApiClient.serviceToken("svc", "*"), room, "{\"type\":\"" + type + "\"}");
            alice.awaitType(type);

            assertThat(Scrape.of(port).text()).doesNotContain(type).doesNotContain(room);
        }
    }

    @Test
    void healthStillAnswersExactlyUp() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"status\":\"UP\"}");
    }
}
