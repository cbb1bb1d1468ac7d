package dev.signalgate.gateway.transport.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;

/** The socket's limits hold over HTTP: liveness, a slow reader, the rate, one POST at a time. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.data-dir=${java.io.tmpdir}/signalgate-http-limits-${random.uuid}",
        "gateway.liveness.ping-interval=1s",
        "gateway.liveness.ping-timeout=1s",
        "gateway.outbound.queue-capacity=16",
        "gateway.outbound.ephemeral-threshold=8",
        "gateway.limits.rate-per-second=5",
        "gateway.limits.rate-burst=20",
        "gateway.call.reconnect-grace=0s"})
class HttpTransportLimitsTest {

    @LocalServerPort
    int port;

    @Test
    void aSessionWithNoReaderIsClosedWith4000AndLeavesItsRooms() {
        String room = "idle-" + UUID.randomUUID();
        try (TestClient watcher = TestClient.connected(port, Tokens.forUser("watcher"))) {
            HttpSessionClient idle = HttpSessionClient.open(port, Tokens.forUser("idle"));
            idle.send(Frames.of("chat:join_room", room).id("j").build());
            watcher.request(Frames.of("chat:join_room", room).id("j").build());
            // The session never opens a stream: it leaves as a socket that stopped answering pings would.
            assertThat(watcher.awaitType("chat:user_left").path("data").path("userId").asString()).isEqualTo("idle");
            HttpResponse<String> late = idle.post("[]", "");
            assertThat(late.statusCode()).isEqualTo(410);
            assertThat(HttpSessionClient.JSON.readTree(late.body()).path("code").asInt()).isEqualTo(4000);
        }
    }

    @Test
    void aReaderThatNeverAcknowledgesIsClosedAsASlowConsumer() {
        String room = "slow-" + UUID.randomUUID();
        try (TestClient sender = TestClient.connected(port, Tokens.forUser("fast"))) {
            HttpSessionClient slow = HttpSessionClient.open(port, Tokens.forUser("slow"));
            SseStream stream = slow.stream(0);
            slow.send(Frames.of("chat:join_room", room).id("j").build());
            sender.request(Frames.of("chat:join_room", room).id("j").build());
            // Two events each (chat:message, chat:confirmed): past the 16 kept plus the outbox's 16.
            for (int i = 0; i < 18; i++) {
                sender.send(Frames.of("chat:send_message", room).data("tempId", "t" + i).data("body", "b").build());
            }
            // Events read but never acknowledged (no resume, no ack) stay kept; the bound closes the session.
            assertThat(stream.awaitClose().data().path("code").asInt()).isEqualTo(4008);
        }
    }

    @Test
    void acknowledgedEventsAreReleasedSoAReaderThatAcksKeepsUp() {
        String room = "acked-" + UUID.randomUUID();
        try (TestClient sender = TestClient.connected(port, Tokens.forUser("fast2"))) {
            HttpSessionClient reader = HttpSessionClient.open(port, Tokens.forUser("acker"));
            SseStream stream = reader.stream(0);
            reader.send(Frames.of("chat:join_room", room).id("j").build());
            sender.request(Frames.of("chat:join_room", room).id("j").build());
            // 4 x 4 messages, two events each: more than the 16 kept and the outbox's 16 together, unless the
            // reader acknowledges in between.
            for (int round = 0; round < 4; round++) {
                long last = 0;
                for (int i = 0; i < 4; i++) {
                    sender.send(Frames.of("chat:send_message", room).data("tempId", round + "-" + i)
                            .data("body", "b").build());
                }
                for (int i = 0; i < 4; i++) {
                    last = stream.awaitType("chat:confirmed").id();
                }
                assertThat(reader.post("[]", "?ack=" + last).statusCode()).isEqualTo(200);
            }
            assertThat(reader.post("[]", "").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aPostWhileTheSessionsAnswersBackUpIsRefusedUntilTheClientAcknowledges() {
        String room = "busy-" + UUID.randomUUID();
        try (TestClient sender = TestClient.connected(port, Tokens.forUser("fast3"))) {
            HttpSessionClient reader = HttpSessionClient.open(port, Tokens.forUser("behind"));
            SseStream stream = reader.stream(0);
            reader.send(Frames.of("chat:join_room", room).id("j").build());
            sender.request(Frames.of("chat:join_room", room).id("j").build());
            // 11 messages, two events each, and 3 before: 16 kept, 9 left in the outbox (over half its 16).
            for (int i = 0; i < 11; i++) {
                sender.send(Frames.of("chat:send_message", room).data("tempId", "t" + i).data("body", "b").build());
            }
            sender.collect("chat:confirmed", 11);
            long kept = stream.await(event -> event.id() == 16).id();
            HttpResponse<String> busy = reader.post("[]", "");
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(HttpSessionClient.JSON.readTree(busy.body()).path("error").asString()).isEqualTo("busy");
            assertThat(reader.post("[]", "?ack=" + kept).statusCode()).isEqualTo(200);
            assertThat(stream.await(event -> event.id() == 25).type()).isEqualTo("chat:confirmed");
        }
    }

    @Test
    void aSessionThatKeepsSendingPastItsRateIsClosedWith4029() {
        HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("flooder"));
        SseStream stream = client.stream(0);
        // Joined, so that the typing frames within the rate are relayed without a reply.
        client.send(Frames.of("chat:join_room", "flood").build());
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < 100; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"type\":\"chat:typing\",\"room\":\"flood\"}");
        }
        String body = batch.append("]").toString();
        HttpResponse<String> answer = client.post(body, "");
        for (int i = 0; i < 10 && answer.statusCode() == 200; i++) {
            answer = client.post(body, "");
        }
        assertThat(answer.statusCode()).isIn(429, 410);
        assertThat(HttpSessionClient.JSON.readTree(answer.body()).path("code").asInt()).isEqualTo(4029);
        assertThat(stream.awaitType("error").data().path("data").path("code").asString()).isEqualTo("rate_limited");
        assertThat(stream.awaitClose().data().path("code").asInt()).isEqualTo(4029);
    }

    @Test
    void aSecondPostWhileOneIsInFlightIsRefusedWith409() throws Exception {
        HttpSessionClient client = HttpSessionClient.open(port, Tokens.forUser("eager"));
        SseStream stream = client.stream(0);
        String token = Tokens.forUser("eager");
        // Two POSTs whose bodies stay incomplete: whichever the gateway takes second is refused at once, the
        // other stays in flight until its body is complete.
        try (Socket first = new Socket("127.0.0.1", port); Socket second = new Socket("127.0.0.1", port)) {
            byte[] firstBody = partialPost(first, client.id(), token, "first");
            byte[] secondBody = partialPost(second, client.id(), token, "second");
            long deadline = System.nanoTime() + SseStream.TIMEOUT.toNanos();
            while (first.getInputStream().available() == 0 && second.getInputStream().available() == 0) {
                assertThat(System.nanoTime()).as("one of the two POSTs answered").isLessThan(deadline);
                LockSupport.parkNanos(5_000_000);
            }
            boolean firstRefused = first.getInputStream().available() > 0;
            Socket refused = firstRefused ? first : second;
            Socket held = firstRefused ? second : first;
            assertThat(status(refused)).isEqualTo("HTTP/1.1 409");
            byte[] rest = firstRefused ? secondBody : firstBody;
            held.getOutputStream().write(rest, 10, rest.length - 10);
            held.getOutputStream().flush();
            assertThat(status(held)).isEqualTo("HTTP/1.1 200");
            assertThat(stream.reply(firstRefused ? "second" : "first").type()).isEqualTo("ack");
        }
    }

    /** Sends a POST's headers and the first 10 bytes of its body; answers the whole body. */
    private byte[] partialPost(Socket socket, String session, String token, String id) throws Exception {
        byte[] body = ("{\"type\":\"chat:join_room\",\"id\":\"" + id + "\",\"room\":\"inflight\"}")
                .getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + HttpTransportFilter.PREFIX + "/" + session + "/frames HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body, 0, 10);
        out.flush();
        return body;
    }

    private static String status(Socket socket) throws Exception {
        socket.setSoTimeout((int) SseStream.TIMEOUT.toMillis());
        InputStream in = socket.getInputStream();
        return new String(in.readNBytes(12), StandardCharsets.US_ASCII);
    }
}
