package dev.signalgate.gateway.cluster;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;

/**
 * Cross-node delivery rate and the latency Redis adds, run once by hand (not a test):
 *
 * <pre>
 * mvn -B -o -pl gateway -am test-compile
 * java -cp "$(cat classpath.txt):gateway/target/classes:gateway/target/test-classes" \
 *     dev.signalgate.gateway.cluster.ClusterBench 20000 [frames per second, 0 = as fast as possible]
 * </pre>
 *
 * Two nodes, one Redis, one room: a sender and a receiver on node 0, a receiver on node 1. The sender relays
 * {@code chat:typing} frames (not stored, so the store is out of the measurement) carrying its send time; each
 * receiver records when each arrives.
 */
public final class ClusterBench {

    private static final int WARM_UP_FRAMES = 2000;

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
        // Frames per second the sender keeps to; 0 sends as fast as it can (throughput, latency is then queueing).
        int rate = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        String room = "bench";
        try (ClusterFixture cluster = new ClusterFixture(2, "--logging.level.root=WARN",
                "--gateway.outbound.ephemeral-threshold=100000", "--gateway.outbound.queue-capacity=200000")) {
            Receiver same = new Receiver(cluster.port(0), "same", room, count);
            Receiver cross = new Receiver(cluster.port(1), "cross", room, count);
            try (TestClient sender = TestClient.connected(cluster.port(0), Tokens.forUser("sender"))) {
                sender.request(Frames.of("chat:join_room", room).id("j").build());
                // Warm-up, over once both receivers have every one of these frames.
                for (int i = 0; i < WARM_UP_FRAMES; i++) {
                    sender.send("{\"type\":\"chat:typing\",\"room\":\"bench\",\"data\":{\"t\":-1}}");
                }
                await("both receivers warmed up").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                        .until(() -> same.warmUps.get() >= WARM_UP_FRAMES && cross.warmUps.get() >= WARM_UP_FRAMES);
                same.reset();
                cross.reset();
                long start = System.nanoTime();
                for (int i = 0; i < count; i++) {
                    if (rate > 0) {
                        long due = start + (long) (i * (1e9 / rate));
                        while (System.nanoTime() < due) {
                            Thread.onSpinWait();
                        }
                    }
                    sender.send("{\"type\":\"chat:typing\",\"room\":\"bench\",\"data\":{\"t\":" + System.nanoTime()
                            + "}}");
                }
                long sent = System.nanoTime();
                same.done.await(60, TimeUnit.SECONDS);
                cross.done.await(60, TimeUnit.SECONDS);
                System.out.printf("sent %d frames in %.0f ms (%.0f/s)%n", count, (sent - start) / 1e6,
                        count / ((sent - start) / 1e9));
                same.report(start);
                cross.report(start);
            }
            same.socket.abort();
            cross.socket.abort();
        }
    }

    private static final class Receiver implements WebSocket.Listener {
        final String name;
        final int count;
        final long[] latencies;
        final AtomicInteger received = new AtomicInteger();
        final AtomicInteger warmUps = new AtomicInteger();
        private final CountDownLatch joined = new CountDownLatch(1);
        volatile long last;
        volatile boolean measuring;
        CountDownLatch done = new CountDownLatch(1);
        final WebSocket socket;
        private final StringBuilder partial = new StringBuilder();

        Receiver(int port, String name, String room, int count) throws Exception {
            this.name = name;
            this.count = count;
            this.latencies = new long[count];
            socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .header("Authorization", "Bearer " + Tokens.forUser(name))
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), this).get(10, TimeUnit.SECONDS);
            socket.sendText("{\"type\":\"chat:join_room\",\"room\":\"" + room + "\",\"id\":\"join\"}", true)
                    .join();
            if (!joined.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + ": no ack for its join within 10 s");
            }
        }

        void reset() {
            received.set(0);
            measuring = true;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean lastPart) {
            long now = System.nanoTime();
            partial.append(data);
            if (lastPart) {
                String text = partial.toString();
                partial.setLength(0);
                int at = text.indexOf("\"t\":");
                if (text.contains("\"type\":\"ack\"")) {
                    joined.countDown();
                } else if (at >= 0 && text.contains("chat:typing")) {
                    long sentAt = Long.parseLong(text.substring(at + 4, text.indexOf('}', at)).trim());
                    if (sentAt < 0) {
                        warmUps.incrementAndGet();
                    } else if (measuring && sentAt > 0) {
                        int n = received.getAndIncrement();
                        if (n < count) {
                            latencies[n] = now - sentAt;
                            last = now;
                            if (n + 1 == count) {
                                done.countDown();
                            }
                        }
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        void report(long start) {
            int n = Math.min(received.get(), count);
            long[] sorted = Arrays.copyOf(latencies, n);
            Arrays.sort(sorted);
            System.out.printf("%-5s node: received %d/%d, %.0f deliveries/s, latency p50 %.2f ms, p99 %.2f ms,"
                            + " max %.2f ms%n", name, n, count, n / ((last - start) / 1e9),
                    n == 0 ? 0 : sorted[n / 2] / 1e6, n == 0 ? 0 : sorted[(int) (n * 0.99)] / 1e6,
                    n == 0 ? 0 : sorted[n - 1] / 1e6);
        }
    }
}
