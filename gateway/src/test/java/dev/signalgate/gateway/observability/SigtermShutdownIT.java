package dev.signalgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.core.ConditionTimeoutException;
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
    /** SIGTERM comes once this many messages have been confirmed, with traffic still going. */
    private static final int CONFIRMED_BEFORE_SIGTERM = 20;
    /** Each sender's pace: under the default rate limit (50 frames/s). */
    private static final Duration SEND_EVERY = Duration.ofMillis(30);

    @TempDir
    Path work;

    @Test
    void sigtermDuringTrafficClosesWith1001AndLosesNoConfirmedMessage() throws Exception {
        assertThat(Files.isRegularFile(JAR))
                .as("the fat jar %s is missing: run `mvn -B -DskipTests package` first (or `mvn -B verify`,"
                        + " which packages it before running this test)", JAR)
                .isTrue();
        Path dataDir = Files.createDirectories(work.resolve("data"));

        Set<String> confirmed = ConcurrentHashMap.newKeySet();
        Gateway first = Gateway.start(dataDir, work.resolve("first.log"));
        ScheduledExecutorService pacer = Executors.newScheduledThreadPool(2);
        List<ScheduledFuture<?>> senders = new ArrayList<>();
        try (TestClient alice = TestClient.connected(first.port, Tokens.forUser("alice"));
                TestClient bob = TestClient.connected(first.port, Tokens.forUser("bob"))) {
            alice.request(Frames.of("chat:join_room", ROOM).id("j").build());
            bob.request(Frames.of("chat:join_room", ROOM).id("j").build());
            senders.add(sender(pacer, alice, "a"));
            senders.add(sender(pacer, bob, "b"));

            // Every member of the room is told every confirmation: alice's frames show the traffic's progress.
            try {
                await().atMost(STARTUP).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).until(() -> {
                    recordConfirmed(alice.drain(Duration.ZERO), confirmed);
                    return confirmed.size() >= CONFIRMED_BEFORE_SIGTERM;
                });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("only " + confirmed.size() + " messages confirmed within " + STARTUP
                        + first.logTail(), e);
            }
            first.process.destroy(); // SIGTERM on Linux

            assertThat(alice.awaitCloseCode()).as(first.logTail()).isEqualTo(1001);
            assertThat(bob.awaitCloseCode()).as(first.logTail()).isEqualTo(1001);
            senders.forEach(sender -> sender.cancel(false));
            pacer.shutdown();
            pacer.awaitTermination(5, TimeUnit.SECONDS);
            for (TestClient client : List.of(alice, bob)) {
                recordConfirmed(client.drain(Duration.ofMillis(300)), confirmed);
            }
        } finally {
            pacer.shutdownNow();
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

    /**
     * Sends a message every {@link #SEND_EVERY} until cancelled or the socket closes (a send that throws ends the
     * schedule).
     */
    private static ScheduledFuture<?> sender(ScheduledExecutorService pacer, TestClient client, String prefix) {
        AtomicInteger next = new AtomicInteger();
        return pacer.scheduleAtFixedRate(() -> {
            int i = next.getAndIncrement();
            client.send(Frames.of("chat:send_message", ROOM).data("tempId", prefix + "-" + i)
                    .data("body", "message " + i).build());
        }, 0, SEND_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Adds the {@code from/tempId} of every {@code chat:confirmed} among the frames. */
    private static void recordConfirmed(List<JsonNode> frames, Set<String> confirmed) {
        for (JsonNode frame : frames) {
            if ("chat:confirmed".equals(frame.path("type").asString())) {
                confirmed.add(frame.path("from").asString() + "/" + frame.path("data").path("tempId").asString());
            }
        }
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
            try {
                await().atMost(STARTUP).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("the gateway exited with " + process.exitValue() + ": "
                                + logTail());
                    }
                    try {
                        return http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    } catch (IOException notYet) {
                        return false; // not listening yet
                    }
                });
            } catch (ConditionTimeoutException e) {
                stop();
                throw new AssertionError("the gateway was not healthy within " + STARTUP + ": " + logTail(), e);
            }
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
