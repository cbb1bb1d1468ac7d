package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.PausableRelay;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import dev.signalgate.persistence.embedded.EmbeddedMongo;
import tools.jackson.databind.JsonNode;

/**
 * A write that timed out but was stored all the same: the store is stalled (a relay holds the bytes back) past
 * the write timeout, so the room is told {@code chat:failed}, and the insert lands once the stall ends. The
 * sender's retry is answered with the stored message, and the other members get that confirmation too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.data-dir=${java.io.tmpdir}/signalgate-late-${random.uuid}",
        "gateway.store.write-timeout=1s"})
class StoredAfterTimeoutTest {

    private static final String ROOM = "late";
    private static final Duration LANDING = Duration.ofSeconds(20);
    private static final EmbeddedMongo MONGO = EmbeddedMongo.memory().start("127.0.0.1", 0);
    private static final PausableRelay RELAY = PausableRelay.to("127.0.0.1", MONGO.port());

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> "mongodb://127.0.0.1:" + RELAY.port() + "/late");
    }

    @AfterAll
    static void stopStore() {
        RELAY.close();
        MONGO.stop();
    }

    @LocalServerPort
    int port;

    @Test
    void theRoomHearsTheRetrysConfirmationOfAMessageItWasToldHadFailed() {
        try (TestClient alice = joined("alice"); TestClient bob = joined("bob")) {
            send(alice, "warm-up");
            alice.awaitType("chat:confirmed");
            bob.awaitType("chat:confirmed");

            RELAY.pause();
            try {
                send(alice, "t-late");
                assertThat(alice.awaitType("chat:failed").path("data").path("tempId").asString()).isEqualTo("t-late");
                assertThat(bob.awaitType("chat:failed").path("data").path("tempId").asString()).isEqualTo("t-late");
            } finally {
                RELAY.resume();
            }
            awaitStored(alice, "t-late");

            send(alice, "t-late");
            JsonNode confirmed = alice.await(frame -> isConfirmationOf(frame, "t-late"));
            JsonNode toBob = bob.await(frame -> isConfirmationOf(frame, "t-late"));
            assertThat(toBob.path("seq").asLong()).isEqualTo(confirmed.path("seq").asLong()).isEqualTo(2);
        }
    }

    /** The insert held back by the relay reaches the store after the stall: wait until history shows it. */
    private static void awaitStored(TestClient client, String tempId) {
        long deadline = System.nanoTime() + LANDING.toNanos();
        int request = 0;
        while (System.nanoTime() < deadline) {
            JsonNode history = client.request(Frames.of("chat:history", ROOM).id("h" + request++).data("limit", 10).build());
            for (JsonNode message : history.path("messages")) {
                if (tempId.equals(message.path("tempId").asString())) {
                    return;
                }
            }
        }
        throw new AssertionError(tempId + " was not stored within " + LANDING + " after the stall");
    }

    private static boolean isConfirmationOf(JsonNode frame, String tempId) {
        return "chat:confirmed".equals(frame.path("type").asString())
                && tempId.equals(frame.path("data").path("tempId").asString());
    }

    private static void send(TestClient client, String tempId) {
        client.send(Frames.of("chat:send_message", ROOM).data("tempId", tempId).data("body", "hello").build());
    }

    private TestClient joined(String user) {
        TestClient client = TestClient.connected(port, Tokens.forUser(user));
        client.request(Frames.of("chat:join_room", ROOM).id("join").build());
        return client;
    }
}
