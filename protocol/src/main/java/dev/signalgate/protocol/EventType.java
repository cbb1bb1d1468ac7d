package dev.signalgate.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Every envelope {@code type} the gateway knows, grouped by {@link Namespace}.
 *
 * <p>A client frame whose type is not listed here with a client-sendable {@link Direction} is answered with
 * {@link ErrorCode#UNKNOWN_TYPE}. Backend domain events ({@code queue:updated}, …) are not listed: they are
 * published over HTTP and relayed verbatim.
 */
public enum EventType {
    WELCOME(Namespace.CONTROL, "welcome", Direction.SERVER_TO_CLIENT),
    ACK(Namespace.CONTROL, "ack", Direction.SERVER_TO_CLIENT),
    ERROR(Namespace.CONTROL, "error", Direction.SERVER_TO_CLIENT),
    /** Replaces the connection's token before it expires; data {@code {"token"}}. */
    AUTH_REFRESH(Namespace.CONTROL, "auth:refresh", Direction.CLIENT_TO_SERVER),
    /**
     * The connection lost rooms (their chat and their call) while it stays open; data {@code {"rooms","reason"}},
     * reason {@code token_narrowed} (an {@code auth:refresh} whose rooms claim no longer covers them) or
     * {@code removed} (a backend removed the user). The client must not join them again on its own.
     */
    AUTH_ROOMS_REVOKED(Namespace.CONTROL, "auth:rooms_revoked", Direction.SERVER_TO_CLIENT),

    CHAT_JOIN_ROOM(Namespace.CHAT, "join_room", Direction.CLIENT_TO_SERVER),
    CHAT_LEAVE_ROOM(Namespace.CHAT, "leave_room", Direction.CLIENT_TO_SERVER),
    CHAT_SEND_MESSAGE(Namespace.CHAT, "send_message", Direction.CLIENT_TO_SERVER),
    CHAT_TYPING(Namespace.CHAT, "typing", Direction.BOTH),
    CHAT_STOP_TYPING(Namespace.CHAT, "stop_typing", Direction.BOTH),
    CHAT_MARK_SEEN(Namespace.CHAT, "mark_seen", Direction.CLIENT_TO_SERVER),
    CHAT_HISTORY(Namespace.CHAT, "history", Direction.CLIENT_TO_SERVER),
    CHAT_MESSAGE(Namespace.CHAT, "message", Direction.SERVER_TO_CLIENT),
    CHAT_CONFIRMED(Namespace.CHAT, "confirmed", Direction.SERVER_TO_CLIENT),
    CHAT_FAILED(Namespace.CHAT, "failed", Direction.SERVER_TO_CLIENT),
    CHAT_USER_JOINED(Namespace.CHAT, "user_joined", Direction.SERVER_TO_CLIENT),
    CHAT_USER_LEFT(Namespace.CHAT, "user_left", Direction.SERVER_TO_CLIENT),
    CHAT_SEEN(Namespace.CHAT, "seen", Direction.SERVER_TO_CLIENT),

    WEBRTC_JOIN_ROOM(Namespace.WEBRTC, "join_room", Direction.CLIENT_TO_SERVER),
    WEBRTC_LEAVE_ROOM(Namespace.WEBRTC, "leave_room", Direction.CLIENT_TO_SERVER),
    WEBRTC_OFFER(Namespace.WEBRTC, "offer", Direction.BOTH),
    WEBRTC_ANSWER(Namespace.WEBRTC, "answer", Direction.BOTH),
    WEBRTC_ICE_CANDIDATE(Namespace.WEBRTC, "ice_candidate", Direction.BOTH),
    WEBRTC_PEER_JOINED(Namespace.WEBRTC, "peer_joined", Direction.SERVER_TO_CLIENT),
    WEBRTC_PEER_LEFT(Namespace.WEBRTC, "peer_left", Direction.SERVER_TO_CLIENT),
    /** An admitter lets a waiting user into the call; data {@code {"userId"}}. */
    WEBRTC_ADMIT(Namespace.WEBRTC, "admit", Direction.CLIENT_TO_SERVER),
    /** An admitter turns a waiting user away; data {@code {"userId"}}. */
    WEBRTC_DECLINE(Namespace.WEBRTC, "decline", Direction.CLIENT_TO_SERVER),
    /** Fresh ICE servers (TURN credentials) for a connection in a call; data {@code {"iceServers"}}. */
    WEBRTC_ICE_SERVERS(Namespace.WEBRTC, "ice_servers", Direction.SERVER_TO_CLIENT),
    /** To a joiner of a call that needs admission: it waits until an admitter answers. */
    WEBRTC_WAITING(Namespace.WEBRTC, "waiting", Direction.SERVER_TO_CLIENT),
    /** To the admitters in a call: a user waits to be admitted; data {@code {"userId","name"?,"role"?}}. */
    WEBRTC_ADMISSION_REQUESTED(Namespace.WEBRTC, "admission_requested", Direction.SERVER_TO_CLIENT),
    /** To the admitters in a call: a request ended without their answer; data {@code {"userId","reason"}}. */
    WEBRTC_ADMISSION_CANCELLED(Namespace.WEBRTC, "admission_cancelled", Direction.SERVER_TO_CLIENT),
    /** To a waiting user let in: data as a join ack's ({@code room, peers, roles, iceServers?}). */
    WEBRTC_ADMITTED(Namespace.WEBRTC, "admitted", Direction.SERVER_TO_CLIENT),
    /** To a waiting user turned away. */
    WEBRTC_DECLINED(Namespace.WEBRTC, "declined", Direction.SERVER_TO_CLIENT),
    /** A peer's connection dropped; its place is kept for the reconnect grace. */
    WEBRTC_PEER_RECONNECTING(Namespace.WEBRTC, "peer_reconnecting", Direction.SERVER_TO_CLIENT),
    /** A reconnecting peer is back within the grace; data {@code {"role"}} as in {@code peer_joined}. */
    WEBRTC_PEER_RESUMED(Namespace.WEBRTC, "peer_resumed", Direction.SERVER_TO_CLIENT),
    /**
     * To the chat members of a room, when the users in its call change: data {@code {"users":[userIds]}}, empty
     * when the call ended. The chat join ack carries the same as {@code "call"}.
     */
    WEBRTC_CALL_STATE(Namespace.WEBRTC, "call_state", Direction.SERVER_TO_CLIENT);

    private static final Map<String, EventType> BY_WIRE_NAME = new HashMap<>();

    static {
        for (EventType type : values()) {
            BY_WIRE_NAME.put(type.wireName, type);
        }
    }

    private final Namespace namespace;
    private final String wireName;
    private final Direction direction;

    EventType(Namespace namespace, String name, Direction direction) {
        this.namespace = namespace;
        this.wireName = namespace == Namespace.CONTROL ? name : namespace.prefix() + ":" + name;
        this.direction = direction;
    }

    /** The type as it travels on the wire, for example {@code chat:send_message}. */
    public String wireName() {
        return wireName;
    }

    public Namespace namespace() {
        return namespace;
    }

    public Direction direction() {
        return direction;
    }

    /** Whether a client may send this type. */
    public boolean clientSendable() {
        return direction != Direction.SERVER_TO_CLIENT;
    }

    /** Whether frames of this type are addressed to a room (all chat and WebRTC types are). */
    public boolean needsRoom() {
        return namespace != Namespace.CONTROL;
    }

    /** The type for a wire name, or {@code null} when the gateway knows no such type. */
    public static EventType fromWireName(String wireName) {
        return BY_WIRE_NAME.get(wireName);
    }
}
