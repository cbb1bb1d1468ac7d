package dev.signalgate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** With {@code gateway.audit.file}, the audit trail goes to its own file, one ECS JSON object per line. */
@GatewayTest
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class AuditFileTest {

    private static final Path FILE = tempFile();

    @LocalServerPort
    int port;

    @DynamicPropertySource
    static void auditFile(DynamicPropertyRegistry registry) {
        registry.add("gateway.audit.file", FILE::toString);
    }

    @AfterAll
    static void removeFile() throws IOException {
        Files.deleteIfExists(FILE);
        Files.deleteIfExists(FILE.getParent());
    }

    @Test
    void auditEventsGoToTheirOwnFileAsJsonLines(CapturedOutput output) throws Exception {
        String room = "audited-" + UUID.randomUUID();
        try (TestClient nurse = TestClient.connected(port, Tokens.forUser("nurse-5", "nurse", List.of("*")))) {
            nurse.request(Frames.of("chat:join_room", room).id("j").build());
        }

        JsonNode joined = awaitLine("chat.joined", room);
        assertThat(joined.path("@timestamp").asString()).isNotEmpty();
        assertThat(joined.path("user").path("id").asString()).isEqualTo("nurse-5");
        assertThat(joined.path("user").path("role").asString()).isEqualTo("nurse");
        assertThat(joined.path("connection").path("id").asString()).isNotEmpty();
        assertThat(joined.toString()).contains("signalgate.audit");
        awaitLine("chat.left", room);
        assertThat(output.getAll()).doesNotContain("chat.joined room=" + room);
    }

    private static JsonNode awaitLine(String action, String room) {
        JsonMapper json = JsonMapper.builder().build();
        try {
            return await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                    .until(() -> lines().stream().map(json::readTree)
                            .filter(event -> action.equals(event.path("event").path("action").asString())
                                    && room.equals(event.path("room").asString()))
                            .findFirst(), Optional::isPresent)
                    .orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no " + action + " for " + room + " in " + FILE + ": " + lines(), e);
        }
    }

    private static List<String> lines() {
        try {
            return Files.exists(FILE) ? Files.readAllLines(FILE) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempFile() {
        try {
            return Files.createTempDirectory("signalgate-audit").resolve("audit.log");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
