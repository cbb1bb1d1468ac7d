package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

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

/**
 * A member that stops reading in a room receiving 100 messages a second is closed with 4008 once its queue and
 * its socket's buffer are full; the heap stays bounded and the other members keep receiving everything.
 *
 * <p>The bounds leave a member that reads a few seconds of slack (a GC pause of the JVM that runs both the
 * gateway and the clients must not make the healthy member a slow consumer too), and the frozen member's small
 * fixed receive buffer keeps the time to fill its side short.
 */
@Import(CloseCodes.Configuration.class)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.data-dir=${java.io.tmpdir}/signalgate-slow-${random.uuid}",
        "gateway.outbound.queue-capacity=256",
        "gateway.outbound.ephemeral-threshold=16",
        "gateway.outbound.max-unsent-bytes=4MB",
        "gateway.outbound.close-timeout=1s",
        "gateway.limits.rate-per-second=1000",
        "gateway.limits.rate-burst=1000"})
class SlowConsumerTest {

    private static final String ROOM = "slow-consumer";

    @LocalServerPort
    int port;

    @Autowired
    CloseCodes closeCodes;

    @Test
    void aMemberThatStopsReadingIsClosedWith4008WhileOthersKeepReceiving() throws Exception {
        String body = "b".repeat(15_000);
        try (TestClient sender = joined("sender"); TestClient healthy = joined("healthy");
                RawWebSocket frozen = RawWebSocket.upgrade(port, Tokens.forUser("frozen"), 16 * 1024)) {
            // A client that joins and then never reads again: its TCP window fills, then its socket's buffer.
            frozen.sendText("{\"type\":\"chat:join_room\",\"room\":\"" + ROOM + "\"}");
            healthy.awaitType("chat:user_joined");
            long heapBefore = usedHeapAfterGc();
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<Integer> sent = CompletableFuture.supplyAsync(() -> {
                int count = 0;
                long next = System.nanoTime();
                // 100 messages a second until the frozen member is gone, at most 60 s.
                while (!stop.get() && count < 6_000) {
                    sender.send(Frames.of("chat:send_message", ROOM).data("tempId", "m" + count).data("body", body)
                            .build());
                    count++;
                    next += 10_000_000;
                    while (System.nanoTime() < next) {
                        Thread.onSpinWait();
                    }
                }
                return count;
            });

            List<String> tempIds = new ArrayList<>();
            JsonNode left = null;
            while (left == null) {
                JsonNode frame = healthy.await(f -> f.path("type").asString().equals("chat:message")
                        || f.path("type").asString().equals("chat:user_left"));
                if (frame.path("type").asString().equals("chat:user_left")) {
                    left = frame;
                } else {
                    tempIds.add(frame.path("data").path("tempId").asString());
                }
            }
            stop.set(true);
            int count = sent.get();
            assertThat(left.path("data").path("userId").asString()).isEqualTo("frozen");
            assertThat(closeCodes.awaitFor("frozen")).isEqualTo(CloseCode.SLOW_CONSUMER);

            // The healthy member received every message sent, in order.
            while (tempIds.size() < count) {
                try {
                    tempIds.add(healthy.awaitType("chat:message").path("data").path("tempId").asString());
                } catch (AssertionError missing) {
                    throw new AssertionError("the healthy member received " + tempIds.size() + " of " + count
                            + " messages; healthy closed: " + healthy.isClosed() + " (" + closeCodes.of("healthy")
                            + "), sender closed: " + sender.isClosed() + " (" + closeCodes.of("sender") + ")",
                            missing);
                }
            }
            for (int i = 0; i < count; i++) {
                assertThat(tempIds.get(i)).isEqualTo("m" + i);
            }
            // Bounded: the frozen member's backlog (256 frames and 4 MB unsent at most) went with it.
            assertThat(usedHeapAfterGc() - heapBefore).isLessThan(64L * 1024 * 1024);
        }
    }

    private TestClient joined(String user) {
        TestClient client = TestClient.connected(port, Tokens.forUser(user));
        client.request(Frames.of("chat:join_room", ROOM).id("j").build());
        return client;
    }

    private static long usedHeapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
