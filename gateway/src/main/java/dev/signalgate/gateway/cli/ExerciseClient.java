package dev.signalgate.gateway.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One connection of the {@code exercise} sub-command: a user of a consultation (its call partner is the other user
 * of the same consultation room) who is also in the shared lobby. Each {@link #tick()} sends one frame of a fixed
 * rotation: messages to both rooms (with and without {@code id}, now and then a retry of a stored {@code tempId}),
 * typing, read marks, history pages, WebRTC offers, answers and ICE candidates to the partner, a token refresh, and
 * a leave of the consultation followed by a join with {@code since}. It checks what comes back: every request with
 * an {@code id} gets its {@code ack}, every message sent gets its {@code chat:confirmed}; an {@code error}, a
 * {@code chat:failed} or a close it did not ask for is a problem in the {@link ExerciseTally}. Except a
 * {@code chat:failed} with {@code unavailable} (the store was too slow, as on a loaded machine): the contract says
 * to retry with the same {@code tempId}, so the client does, as the adapter would, at its next message, or in
 * {@link #retryFailed()} once the traffic has ended.
 *
 * <p>Ticks come from one scheduler thread at a time per connection, then the drain's thread once they have
 * stopped; frames are sent one after the other (the JDK client allows one outstanding send). The listener only
 * records.
 */
final class ExerciseClient implements WebSocket.Listener {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SDP = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            + "a=group:BUNDLE 0 1\r\na=msid-semantic: WMS\r\n"
            + "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 103\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
            + "a=ice-ufrag:exer\r\na=ice-pwd:exercise-ice-password-0123\r\na=ice-options:trickle\r\n"
            + "a=fingerprint:sha-256 00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:"
            + "AA:BB:CC:DD:EE:FF\r\na=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtpmap:111 opus/48000/2\r\n"
            + "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=mid:1\r\na=sendrecv\r\n"
            + "a=rtpmap:96 VP8/90000\r\na=rtpmap:97 rtx/90000\r\n";

    final String user;
    private final String partner;
    private final boolean offerer;
    private final String consult;
    private final String lobby;
    private final Supplier<String> refreshToken;
    private final ExerciseTally tally;

    /** Request id → its type, until the ack or error. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    /** tempId → room, until its {@code chat:confirmed} (or {@code chat:failed}). */
    private final Map<String, String> unconfirmed = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> welcomed = new CompletableFuture<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean closing;
    private volatile String lastStored;
    /** Room and tempId of own messages answered {@code chat:failed} with {@code unavailable}, to send again. */
    private final Queue<String> toRetry = new ConcurrentLinkedQueue<>();
    private WebSocket socket;

    // Touched by the ticking thread only, then by the drain's.
    private int ticks;
    private long ids;
    private boolean inConsult = true;
    private String rejoinAfter;

    ExerciseClient(String user, String partner, boolean offerer, String consult, String lobby,
            Supplier<String> refreshToken, ExerciseTally tally) {
        this.user = user;
        this.partner = partner;
        this.offerer = offerer;
        this.consult = consult;
        this.lobby = lobby;
        this.refreshToken = refreshToken;
        this.tally = tally;
    }

    /** Opens the socket; completes when the gateway's {@code welcome} has come. */
    CompletableFuture<Void> open(HttpClient http, URI uri) {
        return http.newWebSocketBuilder().connectTimeout(TIMEOUT).buildAsync(uri, this)
                .thenCompose(opened -> {
                    socket = opened;
                    return welcomed;
                });
    }

    /** Joins the lobby, the consultation's chat and its call, each with an {@code id}. */
    void join() {
        request(frame("chat:join_room", lobby));
        request(frame("chat:join_room", consult));
        request(frame("webrtc:join_room", consult));
    }

    /** Sends the next frame of the rotation. */
    void tick() {
        if (closing) {
            return;
        }
        int tick = ticks++;
        if (rejoinAfter != null) {
            rejoinOnceLeft();
            return;
        }
        if (tick == 25) {
            ObjectNode refresh = JSON.createObjectNode().put("type", "auth:refresh");
            refresh.putObject("data").put("token", refreshToken.get());
            request(refresh);
            return;
        }
        switch (tick % 10) {
            case 0 -> message(consult, true);
            case 1 -> send(frame("chat:typing", inConsult ? consult : lobby));
            case 2 -> message(lobby, true);
            case 3 -> send(frame("chat:stop_typing", inConsult ? consult : lobby));
            case 4 -> signal(offerer ? "webrtc:offer" : "webrtc:ice_candidate");
            case 5 -> {
                if (!toRetry.isEmpty()) {
                    retryNext();
                } else if (tick % 30 == 15 && lastStored != null) {
                    retry(lastStored);
                } else {
                    message(inConsult ? consult : lobby, false);
                }
            }
            case 6 -> markSeen(inConsult ? consult : lobby);
            case 7 -> signal(offerer ? "webrtc:ice_candidate" : "webrtc:answer");
            case 8 -> history(inConsult ? consult : lobby, tick % 20 == 18);
            default -> {
                if (tick % 30 == 9 && inConsult && !unconfirmed.containsValue(consult)) {
                    // Out of the room and back with since: the resume replay. Only with nothing of ours in
                    // flight there, since a member that left gets no chat:confirmed of the room.
                    inConsult = false;
                    rejoinAfter = request(frame("chat:leave_room", consult));
                } else {
                    send(frame("chat:typing", lobby));
                }
            }
        }
    }

    /**
     * Once the ticks have stopped: sends again each message the store could not take in time, back in the
     * consultation first if the rotation had left it. Nothing to do when no message waits for its retry.
     */
    void retryFailed() {
        if (closing || toRetry.isEmpty() || (rejoinAfter != null && !rejoinOnceLeft())) {
            return;
        }
        while (retryNext()) {
            // until none is left, or the next one waits for the client to be back in its room
        }
    }

    /** Whether every request was answered and every message confirmed, none waiting to be sent again. */
    boolean settled() {
        return pending.isEmpty() && unconfirmed.isEmpty() && toRetry.isEmpty();
    }

    /** What is still unanswered, for the report of a drain that timed out. */
    String unsettled() {
        return user + ": " + pending.size() + " requests unanswered " + pending.values() + ", "
                + unconfirmed.size() + " messages unconfirmed, " + toRetry.size() + " waiting to be sent again";
    }

    /** Leaves the call and both rooms, each with an {@code id}. */
    void leave() {
        request(frame("webrtc:leave_room", consult));
        if (inConsult) {
            inConsult = false;
            request(frame("chat:leave_room", consult));
        }
        request(frame("chat:leave_room", lobby));
    }

    /** Closes with 1000; completes with the close code the gateway answered. */
    CompletableFuture<Integer> close() {
        closing = true;
        if (socket == null) {
            closed.complete(-1);
        } else if (!closed.isDone()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "exercise done");
        }
        return closed;
    }

    /** Joins the consultation again, with {@code since}, once its leave is answered; whether it did. */
    private boolean rejoinOnceLeft() {
        if (pending.containsKey(rejoinAfter)) {
            return false;
        }
        rejoinAfter = null;
        ObjectNode join = frame("chat:join_room", consult);
        // A few messages back, so that the replay always has something to send.
        join.putObject("data").put("since", Math.max(0, lastSeq.getOrDefault(consult, 0L) - 5));
        request(join);
        inConsult = true;
        return true;
    }

    private void message(String room, boolean withId) {
        String tempId = user + "-" + ticks;
        ObjectNode frame = frame("chat:send_message", room);
        frame.putObject("data").put("tempId", tempId).put("body", "exercise message " + tempId + " to " + room)
                .putObject("meta").put("kind", "exercise");
        unconfirmed.put(tempId, room);
        tally.messagesSent.increment();
        if (withId) {
            request(frame);
        } else {
            send(frame);
        }
    }

    /** Sends the oldest message waiting for its retry, unless the client is out of its room; whether it went. */
    private boolean retryNext() {
        String failed = toRetry.poll();
        if (failed == null) {
            return false;
        }
        if (retry(failed)) {
            return true;
        }
        toRetry.add(failed);
        return false;
    }

    /**
     * The same room, tempId and body again, as a client retrying after a reconnect (answered from the store) or
     * after {@code unavailable}; false while the client is out of that room.
     */
    private boolean retry(String stored) {
        int at = stored.indexOf('\n');
        String room = stored.substring(0, at);
        String tempId = stored.substring(at + 1);
        if (room.equals(consult) && !inConsult) {
            return false;
        }
        ObjectNode frame = frame("chat:send_message", room);
        frame.putObject("data").put("tempId", tempId).put("body", "exercise message " + tempId + " to " + room)
                .putObject("meta").put("kind", "exercise");
        unconfirmed.put(tempId, room);
        tally.retries.increment();
        request(frame);
        return true;
    }

    private void signal(String type) {
        ObjectNode frame = frame(type, consult);
        ObjectNode data = frame.putObject("data");
        switch (type) {
            case "webrtc:offer" -> data.put("type", "offer").put("sdp", SDP);
            case "webrtc:answer" -> data.put("type", "answer").put("sdp", SDP);
            default -> data.put("candidate", "candidate:1 1 udp 2122260223 192.0.2." + (ticks % 250 + 1)
                    + " " + (50000 + ticks % 10000) + " typ host generation 0").put("sdpMid", "0")
                    .put("sdpMLineIndex", 0);
        }
        // Offers and answers go to the partner by name, candidates to everyone else in the call.
        if (!"webrtc:ice_candidate".equals(type)) {
            frame.put("to", partner);
        }
        tally.signalsSent.increment();
        request(frame);
    }

    private void markSeen(String room) {
        Long seq = lastSeq.get(room);
        if (seq == null || seq == 0) {
            send(frame("chat:stop_typing", room));
            return;
        }
        ObjectNode frame = frame("chat:mark_seen", room);
        frame.putObject("data").put("seq", seq);
        request(frame);
    }

    private void history(String room, boolean older) {
        ObjectNode frame = frame("chat:history", room);
        ObjectNode data = frame.putObject("data").put("limit", 20);
        Long seq = lastSeq.get(room);
        if (older && seq != null && seq > 10) {
            data.put("before", seq - 10);
        }
        request(frame);
    }

    private ObjectNode frame(String type, String room) {
        return JSON.createObjectNode().put("type", type).put("room", room);
    }

    /** Sends with an {@code id} and expects its answer; answers the id. */
    private String request(ObjectNode frame) {
        String id = user + "." + ids++;
        frame.put("id", id);
        pending.put(id, frame.path("type").asString());
        send(frame);
        return id;
    }

    private void send(ObjectNode frame) {
        try {
            socket.sendText(JSON.writeValueAsString(frame), true).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            tally.framesSent.increment();
        } catch (Exception e) {
            tally.problem(user + ": " + frame.path("type").asString() + " not sent: " + e);
            if (frame.has("id")) {
                pending.remove(frame.path("id").asString());
            }
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        socket = webSocket;
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            try {
                receive(JSON.readTree(text));
            } catch (JacksonException e) {
                tally.problem(user + ": a frame that is not JSON: " + text);
            }
        }
        webSocket.request(1);
        return null;
    }

    private void receive(JsonNode frame) {
        tally.framesReceived.increment();
        String type = frame.path("type").asString();
        String room = frame.path("room").asString();
        JsonNode data = frame.path("data");
        switch (type) {
            case "welcome" -> welcomed.complete(null);
            case "ack" -> {
                String request = pending.remove(frame.path("id").asString());
                tally.acks.increment();
                if ("chat:history".equals(request)) {
                    tally.histories.increment();
                }
                if ("chat:join_room".equals(request) && data.path("lastSeq").isNumber()) {
                    lastSeq.merge(data.path("room").asString(), data.path("lastSeq").asLong(), Math::max);
                }
            }
            case "error" -> {
                String request = pending.remove(frame.path("id").asString());
                tally.problem(user + ": " + (request == null ? "a frame" : request) + " answered "
                        + data.path("code").asString() + ": " + data.path("message").asString());
            }
            case "chat:confirmed" -> {
                long seq = frame.path("seq").asLong();
                if (seq <= lastSeq.getOrDefault(room, 0L)) {
                    tally.replayed.increment();
                }
                lastSeq.merge(room, seq, Math::max);
                if (user.equals(frame.path("from").asString())
                        && unconfirmed.remove(data.path("tempId").asString()) != null) {
                    tally.confirmed.increment();
                    lastStored = room + "\n" + data.path("tempId").asString();
                }
            }
            case "chat:failed" -> {
                if (user.equals(frame.path("from").asString())
                        && "unavailable".equals(data.path("code").asString())
                        && unconfirmed.remove(data.path("tempId").asString()) != null) {
                    tally.unavailable.increment();
                    toRetry.add(room + "\n" + data.path("tempId").asString());
                } else if (user.equals(frame.path("from").asString())) {
                    unconfirmed.remove(data.path("tempId").asString());
                    tally.problem(user + ": message " + data.path("tempId").asString() + " failed: "
                            + data.path("code").asString() + " " + data.path("message").asString());
                }
            }
            case "chat:message" -> tally.relayed.increment();
            case "webrtc:offer", "webrtc:answer", "webrtc:ice_candidate" -> tally.signalsReceived.increment();
            default -> {
                // Presence, typing, read marks, call state: counted as received, nothing to check.
            }
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (!closing) {
            tally.problem(user + ": closed by the gateway with " + statusCode + " " + reason);
        }
        closed.complete(statusCode);
        welcomed.completeExceptionally(new IllegalStateException("closed with " + statusCode + " " + reason));
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        tally.problem(user + ": socket error: " + error);
        closed.complete(-1);
        welcomed.completeExceptionally(error);
    }
}
