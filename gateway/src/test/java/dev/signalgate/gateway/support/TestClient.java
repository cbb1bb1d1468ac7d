package dev.signalgate.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real WebSocket client over loopback (the JDK's {@link java.net.http.WebSocket}) that records every frame it
 * receives, for tests that talk to the gateway the way any client does.
 *
 * <p>It reads one frame at a time unless {@link #stopReading()} was called, after which it requests nothing more
 * from the socket: the gateway then sees a client whose TCP window fills up, like a frozen phone.
 */
public final class TestClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean reading = true;

    private TestClient(WebSocket.Builder builder, URI uri) {
        try {
            this.socket = builder.buildAsync(uri, new Listener()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new HandshakeRefused(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("connect timed out", e);
        }
    }

    /** Connects with the token in the {@code Authorization} header. */
    public static TestClient connect(int port, String token) {
        return connect(port, token, Map.of());
    }

    public static TestClient connect(int port, String token, Map<String, String> headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        headers.forEach(builder::header);
        return new TestClient(builder, URI.create("ws://127.0.0.1:" + port + "/ws"));
    }

    /** Connects with the token in the {@code access_token} query parameter, as browsers do. */
    public static TestClient connectWithQueryToken(int port, String token) {
        return new TestClient(HTTP.newWebSocketBuilder().connectTimeout(TIMEOUT),
                URI.create("ws://127.0.0.1:" + port + "/ws?access_token=" + token));
    }

    /** Connects and consumes the welcome frame. */
    public static TestClient connected(int port, String token) {
        TestClient client = connect(port, token);
        client.expect("welcome");
        return client;
    }

    /** Sends one text frame, as is. */
    public TestClient send(String text) {
        socket.sendText(text, true).join();
        return this;
    }

    /** Sends one binary frame. */
    public TestClient sendBinary(byte[] bytes) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).join();
        return this;
    }

    /** Sends an envelope built from the given fields. */
    public TestClient send(Map<String, ?> envelope) {
        return send(JSON.writeValueAsString(envelope));
    }

    /** The next frame of the given type, skipping none: fails if another type comes first. */
    public JsonNode expect(String type) {
        JsonNode frame = next();
        if (!type.equals(frame.path("type").asString())) {
            throw new AssertionError("expected a " + type + " frame, got " + frame);
        }
        return frame;
    }

    /** The next frame that matches, dropping the ones before it. */
    public JsonNode await(Predicate<JsonNode> matching) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            JsonNode frame = poll(deadline - System.nanoTime());
            if (frame == null) {
                throw new AssertionError("no matching frame within " + TIMEOUT);
            }
            if (matching.test(frame)) {
                return frame;
            }
        }
    }

    /** The next frame of the given type, dropping other frames before it. */
    public JsonNode awaitType(String type) {
        return await(frame -> type.equals(frame.path("type").asString()));
    }

    /** The answer (ack or error) to the request with this id, dropping other frames before it. */
    public JsonNode reply(String id) {
        return await(frame -> id.equals(frame.path("id").asString())
                && ("ack".equals(frame.path("type").asString()) || "error".equals(frame.path("type").asString())));
    }

    /** Sends a request and returns its ack, failing on an error. */
    public JsonNode request(Map<String, ?> envelope) {
        send(envelope);
        JsonNode reply = reply((String) envelope.get("id"));
        if (!"ack".equals(reply.path("type").asString())) {
            throw new AssertionError("expected an ack, got " + reply);
        }
        return reply.path("data");
    }

    /** The next frame, whatever it is. */
    public JsonNode next() {
        JsonNode frame = poll(TIMEOUT.toNanos());
        if (frame == null) {
            throw new AssertionError("no frame within " + TIMEOUT);
        }
        return frame;
    }

    /** The next frame, whatever it is, waiting up to {@code timeout} for it. */
    public JsonNode next(Duration timeout) {
        JsonNode frame = poll(timeout.toNanos());
        if (frame == null) {
            throw new AssertionError("no frame within " + timeout);
        }
        return frame;
    }

    /** Collects frames of a type until {@code count} have arrived. */
    public List<JsonNode> collect(String type, int count) {
        List<JsonNode> collected = new ArrayList<>();
        while (collected.size() < count) {
            collected.add(awaitType(type));
        }
        return collected;
    }

    /** Every frame that arrives within {@code window}; for asserting that something did not arrive. */
    public List<JsonNode> drain(Duration window) {
        List<JsonNode> drained = new ArrayList<>();
        long deadline = System.nanoTime() + window.toNanos();
        JsonNode frame;
        while ((frame = poll(deadline - System.nanoTime())) != null) {
            drained.add(frame);
        }
        return drained;
    }

    private JsonNode poll(long nanos) {
        try {
            return frames.poll(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops taking frames from the socket: the server's writes back up in TCP. */
    public void stopReading() {
        reading = false;
    }

    /** The close code the server sent, waiting for it. */
    public int awaitCloseCode() {
        try {
            return closeCode.get(TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new AssertionError("the server did not close the connection", e);
        }
    }

    public boolean isClosed() {
        return closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").exceptionally(e -> null);
        }
        socket.abort();
    }

    /** Drops the TCP connection without a close handshake, like a network loss. */
    public void abort() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(JSON.readTree(partial.toString()));
                partial.setLength(0);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }
    }

    /** The server refused the upgrade; {@link #status()} is its HTTP status. */
    public static final class HandshakeRefused extends RuntimeException {

        HandshakeRefused(Throwable cause) {
            super(cause);
        }

        public int status() {
            return getCause() instanceof WebSocketHandshakeException refused ? refused.getResponse().statusCode() : -1;
        }
    }
}
