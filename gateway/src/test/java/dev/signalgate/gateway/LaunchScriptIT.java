package dev.signalgate.gateway;

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

import dev.signalgate.gateway.support.Tokens;

/**
 * The documented production launch: {@code gateway/bin/prepare-launch} makes a class cache of the packaged jar
 * with the JDK running this test, and {@code gateway/bin/launch}, told to refuse a cache it cannot use, starts a
 * healthy gateway from it. Runs in {@code mvn verify} (failsafe), after the jar is repackaged.
 */
class LaunchScriptIT {

    private static final Path JAR = Path.of("target", "gateway.jar").toAbsolutePath();
    private static final Path BIN = Path.of("bin").toAbsolutePath();
    private static final Duration STARTUP = Duration.ofSeconds(120);

    @TempDir
    Path work;

    @Test
    void preparedLaunchStartsAHealthyGatewayFromItsClassCache() throws Exception {
        assertThat(Files.isRegularFile(JAR)).as("the fat jar %s is missing: run `mvn -B verify`", JAR).isTrue();
        Path prepared = work.resolve("launch");

        Process prepare = script("prepare-launch", JAR.toString(), prepared.toString())
                .redirectOutput(work.resolve("prepare.log").toFile()).start();
        assertThat(prepare.waitFor(5, TimeUnit.MINUTES)).as("prepare-launch finished").isTrue();
        assertThat(prepare.exitValue()).as(tail(work.resolve("prepare.log"))).isZero();
        assertThat(Files.readString(prepared.resolve("launch.options")))
                .containsAnyOf("-XX:AOTCache=", "-XX:SharedArchiveFile=");

        int port = freePort();
        ProcessBuilder launch = script("launch", prepared.toString()).redirectOutput(work.resolve("run.log").toFile());
        launch.environment().put("GATEWAY_AOT_STRICT", "true");
        launch.environment().put("GATEWAY_JWT_SECRET", Tokens.SECRET);
        launch.environment().put("GATEWAY_DATA_DIR", Files.createDirectories(work.resolve("data")).toString());
        launch.environment().put("SERVER_PORT", Integer.toString(port));
        Process gateway = launch.start();
        try {
            awaitHealthy(gateway, port, work.resolve("run.log"));
        } finally {
            gateway.destroy();
            if (!gateway.waitFor(30, TimeUnit.SECONDS)) {
                gateway.destroyForcibly();
            }
        }
    }

    @Test
    void launchOfAnUnpreparedDirectorySaysWhatToRunFirst() throws Exception {
        Process launch = script("launch", work.resolve("nothing-here").toString())
                .redirectOutput(work.resolve("launch.log").toFile()).start();
        assertThat(launch.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(launch.exitValue()).isEqualTo(2);
        assertThat(Files.readString(work.resolve("launch.log"))).contains("run gateway/bin/prepare-launch first");
    }

    /** The script run with the JDK of this test, as {@code JAVA_HOME} selects it for operators. */
    private static ProcessBuilder script(String name, String... arguments) {
        List<String> command = new ArrayList<>(List.of("sh", BIN.resolve(name).toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", "-Xmx256m");
        return builder;
    }

    private static void awaitHealthy(Process process, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(2)).build();
        try {
            await().atMost(STARTUP).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the launched gateway exited with " + process.exitValue() + ": "
                            + tail(log));
                }
                try {
                    HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                    if (answer.statusCode() == 200) {
                        assertThat(answer.body()).isEqualTo("{\"status\":\"UP\"}");
                        return true;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                return false;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("the launched gateway was not healthy within " + STARTUP + ": " + tail(log), e);
        }
    }

    private static String tail(Path log) {
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
