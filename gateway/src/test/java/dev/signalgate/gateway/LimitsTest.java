package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.signalgate.gateway.support.CloseCodes;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.RawWebSocket;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import dev.signalgate.protocol.CloseCode;
import tools.jackson.databind.JsonNode;

/** Per-connection and per-user limits, each ending in a clear error frame or close code for that connection only. */
@Import(CloseCodes.Configuration.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.data-dir=${java.io.tmpdir}/signalgate-limits-${random.uuid}",
        "gateway.limits.rate-per-second=20",
        "gateway.limits.rate-burst=20",
        "gateway.limits.max-connections-per-user=2",
        "gateway.limits.max-rooms-per-connection=3",
        "gateway.limits.first-frame-timeout=1s",
        "gateway.limits.handshake-timeout=1s"})
class LimitsTest {

    @LocalServerPort
    int port;

    @Autowired
    CloseCodes closeCodes;

    @Test
    void framesBeyondTheBurstGetRateLimitedWithTheirIdsAndTheConnectionStaysOpen() {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("burst"))) {
            client.request(Frames.of("chat:join_room", "rate").id("j").build());
            // 30 frames against a burst of 20: about ten refused, well short of the 20 strikes that mean abuse.
            for (int i = 0; i < 30; i++) {
                client.send(Frames.of("chat:typing", "rate").id("t" + i).build());
            }
            List<JsonNode> replies = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                replies.add(client.await(frame -> frame.path("id").asString().startsWith("t")));
            }
            List<JsonNode> limited = replies.stream()
                    .filter(frame -> "rate_limited".equals(frame.path("data").path("code").asString())).toList();
            assertThat(limited).isNotEmpty();
            assertThat(limited).allSatisfy(frame -> assertThat(frame.path("id").asString()).startsWith("t"));
            assertThat(client.isClosed()).isFalse();
        }
    }

    @Test
    void aClientThatKeepsSendingPastItsLimitIsClosedWith4029() {
        try (TestClient abuser = TestClient.connected(port, Tokens.forUser("abuser"));
                TestClient bystander = TestClient.connected(port, Tokens.forUser("bystander"))) {
            try {
                for (int i = 0; i < 2_000 && !abuser.isClosed(); i++) {
                    abuser.send("{\"type\":\"chat:typing\",\"room\":\"r\"}");
                }
            } catch (java.util.concurrent.CompletionException closedUnderUs) {
                // Writing into a socket the gateway closed: expected for an abuser that does not listen.
            }
            // Asserted where it is certain: the client may see a reset before it reads the close frame.
            assertThat(closeCodes.awaitFor("abuser")).isEqualTo(CloseCode.RATE_LIMIT_EXCEEDED);
            assertThat(bystander.request(Frames.of("chat:join_room", "calm").id("j").build()).path("room").asString())
                    .isEqualTo("calm");
        }
    }

    @Test
    void aUsersConnectionBeyondTheCapIsClosedWith4009() {
        String token = Tokens.forUser("many-devices");
        try (TestClient first = TestClient.connected(port, token);
                TestClient second = TestClient.connected(port, token);
                TestClient third = TestClient.connect(port, token)) {
            assertThat(third.expect("welcome").path("data").path("userId").asString()).isEqualTo("many-devices");
            assertThat(third.awaitCloseCode()).isEqualTo(4009);
            assertThat(first.request(Frames.of("chat:join_room", "cap").id("j").build()).path("room").asString())
                    .isEqualTo("cap");
            assertThat(second.isClosed()).isFalse();
        }
    }

    @Test
    void joiningPastTheRoomsPerConnectionLimitIsForbiddenButRejoiningIsNot() {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("roamer"))) {
            client.request(Frames.of("chat:join_room", "a").id("1").build());
            client.request(Frames.of("chat:join_room", "b").id("2").build());
            client.request(Frames.of("webrtc:join_room", "c").id("3").build());
            client.send(Frames.of("chat:join_room", "d").id("4").build());
            JsonNode refused = client.reply("4");
            assertThat(refused.path("data").path("code").asString()).isEqualTo("forbidden");
            assertThat(refused.path("data").path("message").asString()).contains("at most 3");
            assertThat(client.request(Frames.of("chat:join_room", "a").id("5").build()).path("room").asString())
                    .isEqualTo("a");
        }
    }

    @Test
    void aConnectionThatSendsNoFrameAfterTheUpgradeIsClosedWith4000() {
        try (TestClient silent = TestClient.connected(port, Tokens.forUser("silent"))) {
            assertThat(silent.awaitCloseCode()).isEqualTo(4000);
        }
    }

    @Test
    void aTcpConnectionThatNeverSendsItsUpgradeRequestIsClosed() throws Exception {
        try (Socket socket = RawWebSocket.silent(port)) {
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        }
    }
}
