package dev.signalgate.gateway.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One chat member for the chaos test: joins one room, sends messages when told to, and does with a
 * {@code chat:failed} {@code unavailable} what an application on the JS adapter does ({@code room.retry(message)}
 * after a backoff): sends the message again with the same tempId, after {@link AdapterRetry#delayMillis}. It keeps
 * what it needs to judge the outcome: the outcomes of its own messages, in order, and every {@code seq} of its room
 * it was told about, with the message it named.
 */
final class ChaosClient implements WebSocket.Listener {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One message of this client: every outcome its attempts got, in the order they came. */
    static final class Sent {
        final String tempId;
        final List<String> outcomes = new CopyOnWriteArrayList<>();
        /** When the message was first sent (System.nanoTime()). */
        final long createdAtNanos = System.nanoTime();
        volatile long confirmedAtNanos;

        Sent(String tempId) {
            this.tempId = tempId;
        }

        boolean confirmed() {
            return outcomes.contains("confirmed");
        }

        boolean failed() {
            return outcomes.stream().anyMatch(outcome -> outcome.startsWith("failed"));
        }
    }

    private final String user;
    private final String room;
    private final ScheduledExecutorService timers;
    private final StringBuilder partial = new StringBuilder();
    private final Map<String, Sent> sent = new ConcurrentHashMap<>();
    /** seq → "from/tempId" of every {@code chat:confirmed} of the room this client got. */
    private final Map<Long, String> seqs = new ConcurrentHashMap<>();
    private final List<String> conflicts = new CopyOnWriteArrayList<>();
    private final AtomicInteger counter = new AtomicInteger();
    private final CompletableFuture<Void> joined = new CompletableFuture<>();
    private final Object sendLock = new Object();
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
    private volatile WebSocket socket;

    ChaosClient(String user, String room, ScheduledExecutorService timers) {
        this.user = user;
        this.room = room;
        this.timers = timers;
    }

    String user() {
        return user;
    }

    String room() {
        return room;
    }

    CompletableFuture<Void> connectAndJoin(HttpClient http, URI uri, String token) {
        return http.newWebSocketBuilder().header("Authorization", "Bearer " + token)
                .connectTimeout(Duration.ofSeconds(30)).buildAsync(uri, this)
                .thenCompose(ws -> {
                    socket = ws;
                    send(frame("chat:join_room", "join", null));
                    return joined;
                });
    }

    /** Sends a new message; returns its tempId. */
    String sendNew(String phase) {
        String tempId = user + "-" + phase + "-" + counter.incrementAndGet();
        sent.put(tempId, new Sent(tempId));
        transmit(tempId);
        return tempId;
    }

    Map<String, Sent> sent() {
        return sent;
    }

    Map<Long, String> seqs() {
        return seqs;
    }

    List<String> conflicts() {
        return conflicts;
    }

    void close() {
        WebSocket ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    private void transmit(String tempId) {
        Map<String, Object> data = Map.of("tempId", tempId, "body", "message " + tempId);
        send(frame("chat:send_message", null, data));
    }

    private Map<String, Object> frame(String type, String id, Map<String, Object> data) {
        Map<String, Object> frame = new java.util.LinkedHashMap<>();
        frame.put("type", type);
        frame.put("room", room);
        if (id != null) {
            frame.put("id", id);
        }
        if (data != null) {
            frame.put("data", data);
        }
        return frame;
    }

    /** The JDK socket takes one send at a time: chain them. */
    private void send(Map<String, Object> frame) {
        String text = JSON.writeValueAsString(frame);
        synchronized (sendLock) {
            lastSend = lastSend.handle((ok, error) -> null).thenCompose(ignored -> socket.sendText(text, true));
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            handle(JSON.readTree(text));
        }
        webSocket.request(1);
        return null;
    }

    private void handle(JsonNode frame) {
        String type = frame.path("type").asString();
        switch (type) {
            case "ack" -> {
                if ("join".equals(frame.path("id").asString())) {
                    joined.complete(null);
                }
            }
            case "error" -> {
                if ("join".equals(frame.path("id").asString())) {
                    joined.completeExceptionally(new IllegalStateException(user + " could not join: " + frame));
                }
            }
            case "chat:confirmed" -> confirmed(frame);
            case "chat:failed" -> failed(frame);
            default -> {
                // chat:message, presence: not what this test judges
            }
        }
    }

    private void confirmed(JsonNode frame) {
        long seq = frame.path("seq").asLong();
        String from = frame.path("from").asString();
        String tempId = frame.path("data").path("tempId").asString();
        String key = from + "/" + tempId;
        String earlier = seqs.putIfAbsent(seq, key);
        if (earlier != null && !earlier.equals(key)) {
            conflicts.add("seq " + seq + " named " + earlier + " and then " + key);
        }
        Sent own = user.equals(from) ? sent.get(tempId) : null;
        if (own != null) {
            own.outcomes.add("confirmed");
            own.confirmedAtNanos = System.nanoTime();
        }
    }

    private void failed(JsonNode frame) {
        String tempId = frame.path("data").path("tempId").asString();
        Sent own = user.equals(frame.path("from").asString()) ? sent.get(tempId) : null;
        if (own == null) {
            return;
        }
        String code = frame.path("data").path("code").asString();
        own.outcomes.add("failed:" + code);
        if ("unavailable".equals(code)) {
            int attempt = (int) own.outcomes.stream().filter(outcome -> outcome.startsWith("failed")).count() - 1;
            timers.schedule(() -> transmit(tempId), AdapterRetry.delayMillis(attempt), TimeUnit.MILLISECONDS);
        }
    }
}
