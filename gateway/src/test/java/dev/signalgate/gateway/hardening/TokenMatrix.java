package dev.signalgate.gateway.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.springframework.boot.test.system.CapturedOutput;

import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.hardening.AttackTokens.Case;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import tools.jackson.databind.JsonNode;

/** The checks every row of a token matrix goes through. */
final class TokenMatrix {

    /** Longest token also tried in the query string: request lines over 4 KB are refused before the gateway. */
    static final int MAX_QUERY_TOKEN = 3000;
    static final Duration WATCH_WINDOW = Duration.ofMillis(50);

    private TokenMatrix() {
    }

    /**
     * The token is refused with 401 in the header and in the query parameter, the refusal does not echo it, no
     * connection of its user exists, the watcher (a member of a room) hears of no join, and no part of the token
     * was logged.
     */
    static void assertRefusedWithoutTrace(int port, Case bad, ConnectionRegistry registry, TestClient watcher,
            CapturedOutput output) {
        HandshakeProbe.Answer header = HandshakeProbe.withHeader(port, bad.token());
        assertThat(header.status()).as("status with the token in the header").isEqualTo(401);
        assertThat(header.body()).contains("\"error\":\"unauthorized\"");
        assertNoTokenIn(header.body(), bad, "refusal body");
        if (bad.token().length() <= MAX_QUERY_TOKEN) {
            HandshakeProbe.Answer query = HandshakeProbe.withQuery(port, bad.token());
            assertThat(query.status()).as("status with the token in the query").isEqualTo(401);
            assertNoTokenIn(query.body(), bad, "refusal body");
        }
        assertThat(registry.ofUser(bad.sub())).as("connections of %s", bad.sub()).isEmpty();
        assertThat(registry.all()).noneMatch(connection -> connection.userId().equals(bad.sub()));
        assertThat(watcher.drain(WATCH_WINDOW)).extracting(frame -> frame.path("type").asString())
                .doesNotContain("chat:user_joined", "webrtc:peer_joined");
        assertNoTokenIn(output.getAll(), bad, "log");
    }

    static void assertNoTokenIn(String text, Case bad, String where) {
        if (bad.token().strip().length() >= 12) {
            assertThat(text).as("%s contains the token", where).doesNotContain(bad.token().strip());
        }
        for (String part : bad.secretParts()) {
            assertThat(text).as("%s contains a part of the token", where).doesNotContain(part);
        }
    }

    /** The token opens a WebSocket for {@code user}, who can join a room. */
    static void assertAccepted(int port, String token, String user) {
        assertThat(HandshakeProbe.withHeader(port, token).status()).isEqualTo(101);
        try (TestClient client = TestClient.connect(port, token)) {
            JsonNode welcome = client.expect("welcome");
            assertThat(welcome.path("data").path("userId").asString()).isEqualTo(user);
            JsonNode ack = client.request(Frames.of("chat:join_room", "accepted-" + user).id("j").build());
            assertThat(ack.path("members").toString()).contains(user);
        }
    }
}
