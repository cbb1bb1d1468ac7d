package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;

/** Shutdown tells every client 1001 after it has received what was already queued and confirmed. */
class GracefulShutdownTest {

    @TempDir
    Path dataDir;

    @Test
    void shutdownDrainsQueuedFramesThenClosesWith1001() {
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=0", "--gateway.jwt.secret=" + Tokens.SECRET, "--gateway.data-dir=" + dataDir);
        int port = Integer.parseInt(gateway.getEnvironment().getProperty("local.server.port"));
        try (TestClient alice = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
            alice.request(Frames.of("chat:join_room", "bye").id("j").build());
            bob.request(Frames.of("chat:join_room", "bye").id("j").build());
            for (int i = 0; i < 50; i++) {
                alice.send(Frames.of("chat:send_message", "bye").data("tempId", "t" + i).data("body", "b" + i).build());
            }
            alice.collect("chat:confirmed", 1);
            gateway.close();

            assertThat(bob.collect("chat:confirmed", 50)).hasSize(50);
            assertThat(bob.awaitCloseCode()).isEqualTo(1001);
            assertThat(alice.awaitCloseCode()).isEqualTo(1001);
        } finally {
            gateway.close();
        }
    }
}
