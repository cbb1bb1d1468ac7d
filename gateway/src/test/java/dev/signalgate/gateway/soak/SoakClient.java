package dev.signalgate.gateway.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One simulated user device: a chat member of one room, or one side of a call. Driven by {@link #tick()} from a
 * scheduler; keeps no frames, only what it needs to act and to check {@code seq} continuity.
 *
 * <p>A chat member types, sends a message, stops typing, marks what it has seen and now and then reads history;
 * it also leaves and rejoins its room, and drops and reopens its socket, each time resuming with {@code since}.
 * It only leaves or disconnects with no message of its own awaiting confirmation, so every message it sent must
 * come back confirmed, and every {@code chat:confirmed} of its room must follow the previous one's {@code seq}
 * by exactly one: any gap or duplicate is counted.
 *
 * <p>A call peer joins the call of its room, sends ICE candidates (and now and then an offer) to the other peer,
 * and leaves and rejoins the call now and then.
 */
final class SoakClient implements WebSocket.Listener {

    enum Role { CHAT, CALL }

    private enum State { DISCONNECTED, CONNECTED, JOINING, JOINED, LEAVING, LEFT }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final URI uri;
    private final String token;
    private final String user;
    private final String room;
    private final Role role;
    private final SoakStats stats;
    private final StringBuilder partial = new StringBuilder();
    private final Set<String> awaitingConfirmation = ConcurrentHashMap.newKeySet();
    private final AtomicLong counter = new AtomicLong();
    private volatile WebSocket socket;
    private volatile State state = State.DISCONNECTED;
    /** The last {@code seq} seen in the room, or -1 before the first one after a fresh join. */
    private volatile long lastSeq = -1;
    private volatile boolean stopping;

    SoakClient(HttpClient http, URI uri, String token, String user, String room, Role role, SoakStats stats) {
        this.http = http;
        this.uri = uri;
        this.token = token;
        this.user = user;
        this.room = room;
        this.role = role;
        this.stats = stats;
    }

    /** One step of behaviour; called every tick period, never concurrently for one client. */
    void tick() {
        if (stopping) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        switch (state) {
            case DISCONNECTED -> connect();
            case CONNECTED, LEFT -> join();
            case JOINED -> {
                boolean idle = awaitingConfirmation.isEmpty();
                if (idle && random.nextInt(role == Role.CHAT ? 40 : 60) == 0) {
                    reconnect();
                } else if (idle && random.nextInt(20) == 0) {
                    leave();
                } else if (role == Role.CHAT) {
                    chat(random);
                } else {
                    signal(random);
                }
            }
            default -> {
                // JOINING, LEAVING: waiting for the ack.
            }
        }
    }

    private void connect() {
        try {
            socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(uri, this).get(10, TimeUnit.SECONDS);
            state = State.CONNECTED;
        } catch (Exception e) {
            stats.connectFailures.increment();
        }
    }

    private void join() {
        String type = role == Role.CHAT ? "chat:join_room" : "webrtc:join_room";
        String since = role == Role.CHAT && lastSeq >= 0 ? ",\"data\":{\"since\":" + lastSeq + "}" : "";
        if (role == Role.CHAT && lastSeq >= 0) {
            stats.roomRejoins.increment();
        } else if (role == Role.CALL && counter.get() > 0) {
            stats.callRejoins.increment();
        }
        state = State.JOINING;
        send("{\"type\":\"" + type + "\",\"id\":\"join-" + counter.incrementAndGet() + "\",\"room\":\"" + room + "\""
                + since + "}");
    }

    private void leave() {
        state = State.LEAVING;
        String type = role == Role.CHAT ? "chat:leave_room" : "webrtc:leave_room";
        send("{\"type\":\"" + type + "\",\"id\":\"leave-" + counter.incrementAndGet() + "\",\"room\":\"" + room
                + "\"}");
    }

    private void reconnect() {
        stats.reconnects.increment();
        WebSocket open = socket;
        socket = null;
        state = State.DISCONNECTED;
        if (open != null) {
            open.sendClose(WebSocket.NORMAL_CLOSURE, "reconnecting").orTimeout(5, TimeUnit.SECONDS)
                    .whenComplete((ws, failure) -> open.abort());
        }
        if (role == Role.CALL) {
            lastSeq = -1;
        }
    }

    private void chat(ThreadLocalRandom random) {
        long n = counter.incrementAndGet();
        String tempId = user + "-" + n;
        send("{\"type\":\"chat:typing\",\"room\":\"" + room + "\"}");
        awaitingConfirmation.add(tempId);
        stats.messagesSent.increment();
        send("{\"type\":\"chat:send_message\",\"id\":\"m-" + n + "\",\"room\":\"" + room + "\",\"data\":{\"tempId\":\""
                + tempId + "\",\"body\":\"soak message " + n + " " + "x".repeat(random.nextInt(200)) + "\"}}");
        send("{\"type\":\"chat:stop_typing\",\"room\":\"" + room + "\"}");
        long seen = lastSeq;
        if (n % 5 == 0 && seen > 0) {
            send("{\"type\":\"chat:mark_seen\",\"id\":\"seen-" + n + "\",\"room\":\"" + room + "\",\"data\":{\"seq\":"
                    + seen + "}}");
        }
        if (n % 10 == 0) {
            send("{\"type\":\"chat:history\",\"id\":\"h-" + n + "\",\"room\":\"" + room + "\",\"data\":{\"limit\":20}}");
        }
    }

    private void signal(ThreadLocalRandom random) {
        long n = counter.incrementAndGet();
        stats.signalsSent.increment();
        if (n % 10 == 0) {
            send("{\"type\":\"webrtc:offer\",\"room\":\"" + room + "\",\"data\":{\"type\":\"offer\",\"sdp\":\"v=0\\r\\n"
                    + "o=- " + n + " 2 IN IP4 127.0.0.1\\r\\n" + "a=x".repeat(random.nextInt(300)) + "\"}}");
        } else {
            send("{\"type\":\"webrtc:ice_candidate\",\"room\":\"" + room + "\",\"data\":{\"candidate\":\"candidate:" + n
                    + " 1 udp 2122260223 192.0.2.1 " + (50000 + n % 10000) + " typ host\",\"sdpMid\":\"0\"}}");
        }
    }

    private void send(String text) {
        WebSocket open = socket;
        if (open == null || open.isOutputClosed()) {
            return;
        }
        try {
            // The JDK client allows one outstanding send per socket; ticks of one client never overlap.
            open.sendText(text, true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            stats.framesSent.increment();
        } catch (Exception e) {
            stats.sendFailures.increment();
        }
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String text = partial.toString();
            partial.setLength(0);
            if (webSocket == socket) {
                handle(JSON.readTree(text));
            }
        }
        webSocket.request(1);
        return null;
    }

    private void handle(JsonNode frame) {
        stats.framesReceived.increment();
        String type = frame.path("type").asString();
        String id = frame.path("id").asString("");
        switch (type) {
            case "ack" -> {
                if (id.startsWith("join-")) {
                    state = State.JOINED;
                } else if (id.startsWith("leave-")) {
                    state = State.LEFT;
                }
            }
            case "error" -> {
                stats.error(frame.path("data").path("code").asString());
                if (id.startsWith("join-")) {
                    state = State.LEFT;
                } else if (id.startsWith("leave-")) {
                    state = State.JOINED;
                } else if (id.startsWith("m-")) {
                    awaitingConfirmation.clear();
                }
            }
            case "chat:confirmed" -> {
                stats.confirmedReceived.increment();
                long seq = frame.path("seq").asLong();
                long previous = lastSeq;
                if (previous >= 0 && seq <= previous) {
                    stats.seqDuplicates.increment();
                } else if (previous >= 0 && seq != previous + 1) {
                    stats.seqGaps.increment();
                }
                lastSeq = Math.max(previous, seq);
                if (awaitingConfirmation.remove(frame.path("data").path("tempId").asString())) {
                    stats.ownConfirmed.increment();
                }
            }
            case "chat:failed" -> {
                stats.error("chat:failed/" + frame.path("data").path("code").asString());
                awaitingConfirmation.remove(frame.path("data").path("tempId").asString());
            }
            case "webrtc:offer", "webrtc:answer", "webrtc:ice_candidate" -> stats.signalsReceived.increment();
            default -> {
                // welcome, chat:message, typing, presence, seen: counted only.
            }
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        if (webSocket == socket && !stopping && state != State.DISCONNECTED) {
            stats.serverClosed(statusCode);
            state = State.DISCONNECTED;
        }
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        if (webSocket == socket && !stopping && state != State.DISCONNECTED) {
            stats.serverClosed(-1);
            state = State.DISCONNECTED;
        }
    }

    /** Own messages sent and not yet confirmed. */
    int unconfirmed() {
        return awaitingConfirmation.size();
    }

    /** Stops acting and closes the socket. */
    void stop() {
        stopping = true;
        WebSocket open = socket;
        if (open != null) {
            open.sendClose(WebSocket.NORMAL_CLOSURE, "soak over").orTimeout(5, TimeUnit.SECONDS)
                    .whenComplete((ws, failure) -> open.abort());
        }
    }
}
