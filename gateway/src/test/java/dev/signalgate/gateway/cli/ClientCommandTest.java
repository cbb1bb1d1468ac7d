package dev.signalgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.Tokens;

@GatewayTest
class ClientCommandTest {

    @LocalServerPort
    int port;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aRefusedUpgradePrintsTheStatusAndTheGatewaysReason() {
        int code = run("", "--token", "not-a-jwt", "--url", "ws://127.0.0.1:" + port + "/ws");

        assertThat(code).isEqualTo(1);
        assertThat(stderr()).startsWith("upgrade refused by ws://127.0.0.1:" + port + "/ws: HTTP 401 {")
                .contains("\"error\":\"unauthorized\"").doesNotContain("not-a-jwt");
    }

    @Test
    void aPortWithNothingListeningSaysSo() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        int code = run("", "--token", Tokens.forUser("alice"), "--url", "ws://127.0.0.1:" + closedPort + "/ws");

        assertThat(code).isEqualTo(1);
        assertThat(stderr()).startsWith("nothing listening on 127.0.0.1:" + closedPort);
    }

    @Test
    void anAcceptedConnectionPrintsTheFramesAndTheClose() {
        int code = run("\n", "--token", Tokens.forUser("alice"), "--url", "ws://127.0.0.1:" + port + "/ws");

        assertThat(code).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"type\":\"welcome\"", "closed: 1000");
    }

    @Test
    void aUrlThatIsNotAWebSocketAddressIsExplained() {
        assertThat(run("", "--token", "t", "--url", "http://127.0.0.1:" + port + "/ws")).isEqualTo(2);
        assertThat(stderr()).contains("expected ws://host:port/ws");
    }

    private int run(String stdin, String... args) {
        return ClientCommand.run(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
