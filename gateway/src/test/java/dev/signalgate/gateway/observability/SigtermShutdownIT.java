package dev.signalgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * The packaged gateway, as operators run it ({@code java -jar gateway.jar}), gets SIGTERM in the middle of chat
 * traffic: every client is told 1001, and after a restart on the same data directory every message that had been
 * {@code chat:confirmed} is in the history. Runs in {@code mvn verify} (failsafe), after the jar is repackaged.
 */
class SigtermShutdownIT {

    private static final Path JAR = Path.of("target", "gateway.jar").toAbsolutePath();
    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final String ROOM = "sigterm-room";

    @TempDir
    Path work;

    @Test
    void sigtermDuringTrafficClosesWith1001AndLosesNoConfirmedMessage() throws Exception {
        assertThat(Files.isRegularFile(JAR))
                .as("the fat jar %s is missing: run `mvn -B -DskipTests package` first (or `mvn -B verify`,"
                        + " which packages it before running this test)", JAR)
                .isTrue();
        Path dataDir = Files.createDirectories(work.resolve("data"));

        Set<String> confirmed = new HashSet<>();
        Gateway first = Gateway.start(dataDir, work.resolve("first.log"));
        AtomicBoolean sending = new AtomicBoolean(true);
        List<Thread> senders = new ArrayList<>();
        try (TestClient alice = TestClient.connected(first.port, Tokens.forUser("alice"));
                TestClient bob = TestClient.connected(first.port, Tokens.forUser("bob"))) {
            alice.request(Frames.of("chat:join_room", ROOM).id("j").build());
            bob.request(Frames.of("chat:join_room", ROOM).id("j").build());
            senders.add(sender(alice, "a", sending));
            senders.add(sender(bob, "b", sending));

            Thread.sleep(1500);
            first.process.destroy(); // SIGTERM on Linux

            assertThat(alice.awaitCloseCode()).as(first.logTail()).isEqualTo(1001);
            assertThat(bob.awaitCloseCode()).as(first.logTail()).isEqualTo(1001);
            sending.set(false);
            for (Thread sender : senders) {
                sender.join(5000);
            }
            for (TestClient client : List.of(alice, bob)) {
                for (JsonNode frame : client.drain(Duration.ofMillis(300))) {
                    if ("chat:confirmed".equals(frame.path("type").asString())) {
                        confirmed.add(frame.path("from").asString() + "/" + frame.path("data").path("tempId").asString());
                    }
                }
            }
        } finally {
            sending.set(false);
            first.stop();
        }
        assertThat(first.process.exitValue()).as("exit after SIGTERM; %s", first.logTail()).isIn(0, 143);
        assertThat(confirmed).as("traffic was confirmed before SIGTERM").hasSizeGreaterThan(10);

        Gateway second = Gateway.start(dataDir, work.resolve("second.log"));
        try (TestClient carol = TestClient.connected(second.port, Tokens.forUser("carol"))) {
            carol.request(Frames.of("chat:join_room", ROOM).id("j").build());
            List<String> stored = history(carol);

            assertThat(stored).doesNotHaveDuplicates();
            assertThat(stored).containsAll(confirmed);
        } finally {
            second.stop();
        }
    }

    /** Sends a message every 30 ms (under the default rate limit) until told to stop or the socket closes. */
    private static Thread sender(TestClient client, String prefix, AtomicBoolean sending) {
        Thread thread = new Thread(() -> {
            for (int i = 0; sending.get(); i++) {
                try {
                    client.send(Frames.of("chat:send_message", ROOM).data("tempId", prefix + "-" + i)
                            .data("body", "message " + i).build());
                    Thread.sleep(30);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException closed) {
                    return;
                }
            }
        }, "sender-" + prefix);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Every stored message of the room as {@code from/tempId}, paging {@code chat:history} back to the start. */
    private static List<String> history(TestClient client) {
        List<String> stored = new ArrayList<>();
        Long before = null;
        for (int page = 0; page < 1000; page++) {
            Frames.Builder request = Frames.of("chat:history", ROOM).id("h" + page).data("limit", 100);
            if (before != null) {
                request.data("before", before);
            }
            JsonNode answer = client.request(request.build());
            for (JsonNode message : answer.path("messages")) {
                stored.add(message.path("from").asString() + "/" + message.path("tempId").asString());
                before = message.path("seq").asLong();
            }
            if (!answer.path("hasMore").asBoolean()) {
                return stored;
            }
        }
        throw new AssertionError("history did not end");
    }

    /** One gateway process from the fat jar. */
    private record Gateway(Process process, int port, Path log) {

        static Gateway start(Path dataDir, Path log) throws Exception {
            int port = freePort();
            ProcessBuilder builder = new ProcessBuilder(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                    JAR.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("GATEWAY_JWT_SECRET", Tokens.SECRET);
            builder.environment().put("GATEWAY_DATA_DIR", dataDir.toString());
            builder.environment().put("SERVER_PORT", Integer.toString(port));
            Gateway gateway = new Gateway(builder.start(), port, log);
            gateway.awaitHealthy();
            return gateway;
        }

        private void awaitHealthy() throws Exception {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + STARTUP.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new AssertionError("the gateway exited with " + process.exitValue() + ": " + logTail());
                }
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
            stop();
            throw new AssertionError("the gateway was not healthy within " + STARTUP + ": " + logTail());
        }

        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }

        String logTail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}
