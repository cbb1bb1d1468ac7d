package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** One member that stops reading must not hold up anyone else in the room. */
@GatewayTest
class SlowMemberTest {

    @LocalServerPort
    int port;

    @Test
    void aMemberThatStopsReadingDoesNotStallTheRoom() {
        String room = "slow-1";
        String padding = "p".repeat(2_000);
        try (TestClient sender = TestClient.connected(port, Tokens.forUser("sender"));
                TestClient frozen = TestClient.connected(port, Tokens.forUser("frozen"));
                TestClient healthy = TestClient.connected(port, Tokens.forUser("healthy"))) {
            for (TestClient client : List.of(sender, frozen, healthy)) {
                client.request(Frames.of("chat:join_room", room).id("j").build());
            }
            frozen.stopReading();

            // About 2 MB through the room: far past what the frozen member's TCP buffers can hold.
            int count = 1_000;
            for (int i = 0; i < count; i++) {
                sender.send(Frames.of("chat:typing", room).data("pad", padding).data("n", i).build());
            }
            sender.send(Frames.of("chat:send_message", room).id("last").data("tempId", "t-last")
                    .data("body", "after the burst").build());

            List<JsonNode> typing = healthy.collect("chat:typing", count);
            assertThat(typing.get(count - 1).path("data").path("n").asInt()).isEqualTo(count - 1);
            assertThat(healthy.awaitType("chat:message").path("data").path("body").asString())
                    .isEqualTo("after the burst");
        }
    }
}
