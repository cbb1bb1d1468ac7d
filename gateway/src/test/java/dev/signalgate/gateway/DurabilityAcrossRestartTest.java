package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** Messages kept by the embedded store's file backend survive a restart of the gateway. */
class DurabilityAcrossRestartTest {

    @TempDir
    Path dataDir;

    @Test
    void confirmedMessagesSurviveAGatewayRestart() throws Exception {
        String room = "restart-1";
        List<String> confirmed = new ArrayList<>();
        try (ConfigurableApplicationContext gateway = start()) {
            try (TestClient alice = TestClient.connected(port(gateway), Tokens.forUser("alice"))) {
                alice.request(Frames.of("chat:join_room", room).id("j").build());
                for (int i = 0; i < 20; i++) {
                    alice.send(Frames.of("chat:send_message", room).data("tempId", "k-" + i).data("body", "kept " + i)
                            .build());
                }
                alice.collect("chat:confirmed", 20)
                        .forEach(frame -> confirmed.add(frame.path("data").path("msgId").asString()));
            }
        }
        assertThat(Files.exists(dataDir.resolve("signalgate.mv"))).isTrue();

        try (ConfigurableApplicationContext gateway = start();
                TestClient bob = TestClient.connected(port(gateway), Tokens.forUser("bob"))) {
            JsonNode ack = bob.request(Frames.of("chat:join_room", room).id("j").data("since", 0).build());
            assertThat(ack.path("lastSeq").asLong()).isEqualTo(20);
            List<String> replayed = new ArrayList<>();
            bob.collect("chat:confirmed", 20).forEach(frame -> replayed.add(frame.path("data").path("msgId").asString()));
            assertThat(replayed).containsExactlyElementsOf(confirmed);
        }
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0",
                "--gateway.jwt.secret=" + Tokens.SECRET,
                "--gateway.data-dir=" + dataDir);
    }

    private static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }
}
