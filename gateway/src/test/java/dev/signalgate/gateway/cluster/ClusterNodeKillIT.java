package dev.signalgate.gateway.cluster;

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
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/**
 * A node killed with SIGKILL: the packaged gateway ({@code gateway/target/gateway.jar}) runs as a child process
 * next to a node in this JVM; after {@code destroyForcibly()} its user leaves the room within the presence expiry,
 * and the user's client reconnects to the surviving node and resumes with {@code since} without losing a message.
 * Runs in {@code mvn verify} (failsafe), after the jar is repackaged.
 */
class ClusterNodeKillIT {

    private static final Path JAR = Path.of("target", "gateway.jar").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void aKilledNodesUsersLeaveWithinTheExpiryAndResumeOnAnotherNode() throws Exception {
        assertThat(Files.exists(JAR)).as("the fat jar %s is missing: run `mvn -B -DskipTests package` first", JAR)
                .isTrue();
        String room = "cluster-kill-1";
        try (ClusterFixture cluster = new ClusterFixture(1)) {
            Process doomed = null;
            try {
                int port = freePort();
                Path log = work.resolve("node-b.log");
                ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                        JAR.toString())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                builder.environment().put("GATEWAY_JWT_SECRET", Tokens.SECRET);
                builder.environment().put("SERVER_PORT", Integer.toString(port));
                builder.environment().put("SPRING_MONGODB_URI", cluster.store.connectionString("signalgate"));
                builder.environment().put("SPRING_DATA_REDIS_URL", cluster.redis.url());
                builder.environment().put("GATEWAY_CLUSTER_HEARTBEAT", "1s");
                builder.environment().put("GATEWAY_CLUSTER_EXPIRY", "3s");
                doomed = builder.start();
                awaitHealthy(doomed, port, log);

                try (TestClient alice = TestClient.connected(cluster.port(0), Tokens.forUser("alice"))) {
                    alice.request(Frames.of("chat:join_room", room).id("j").build());
                    TestClient bob = TestClient.connected(port, Tokens.forUser("bob"));
                    JsonNode ack = bob.request(Frames.of("chat:join_room", room).id("j").build());
                    assertThat(ack.path("members").size()).isEqualTo(2);
                    alice.awaitType("chat:user_joined");
                    for (int i = 0; i < 3; i++) {
                        bob.send(Frames.of("chat:send_message", room).data("tempId", "b" + i).data("body", "b" + i)
                                .build());
                    }
                    long seen = bob.collect("chat:confirmed", 3).get(2).path("seq").asLong();
                    alice.collect("chat:confirmed", 3);

                    doomed.destroyForcibly();
                    assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    long killedAt = System.nanoTime();
                    bob.awaitCloseCode();

                    // Messages bob misses while he has no node.
                    for (int i = 0; i < 3; i++) {
                        alice.send(Frames.of("chat:send_message", room).data("tempId", "a" + i)
                                .data("body", "a" + i).build());
                    }
                    JsonNode left = alice.awaitType("chat:user_left");
                    Duration took = Duration.ofNanos(System.nanoTime() - killedAt);
                    assertThat(left.path("data").path("userId").asString()).isEqualTo("bob");
                    assertThat(took).isLessThan(Duration.ofSeconds(3 + 1 + 2));

                    try (TestClient again = TestClient.connected(cluster.port(0), Tokens.forUser("bob"))) {
                        JsonNode rejoined = again.request(
                                Frames.of("chat:join_room", room).id("r").data("since", seen).build());
                        assertThat(rejoined.path("members").values().stream().map(JsonNode::asString).toList())
                                .containsExactlyInAnyOrder("alice", "bob");
                        List<String> replayed = new ArrayList<>();
                        again.collect("chat:confirmed", 3)
                                .forEach(frame -> replayed.add(frame.path("data").path("tempId").asString()));
                        assertThat(replayed).containsExactly("a0", "a1", "a2");
                    }
                }
            } finally {
                if (doomed != null && doomed.isAlive()) {
                    doomed.destroyForcibly();
                }
            }
        }
    }

    private static void awaitHealthy(Process process, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            await().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("node B exited with " + process.exitValue() + ": "
                                    + String.join("\n", Files.readAllLines(log)));
                        }
                        try {
                            return http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                        } catch (IOException notYet) {
                            return false; // not listening yet
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("node B was not healthy within 120 s", e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
