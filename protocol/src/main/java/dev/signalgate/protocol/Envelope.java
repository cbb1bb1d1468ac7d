package dev.signalgate.protocol;

import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * One wire message: a JSON object with a {@code type} and, depending on the type, a correlation {@code id}, a
 * {@code room}, a target user {@code to}, the sender {@code from}, a chat sequence number {@code seq} and a
 * {@code data} object.
 *
 * <p>The same record carries frames in both directions. A decoded client frame never has {@code from} or
 * {@code seq} (the gateway sets those itself, from the token and the store); an outbound frame never has
 * {@code to}. {@code data} is never null: an absent {@code data} decodes as an empty object.
 *
 * <p>{@code data} is a mutable Jackson tree. Treat it as read-only once an envelope is built: the same node may
 * be encoded for several recipients.
 */
public record Envelope(String type, String id, String room, String to, String from, Long seq, ObjectNode data) {

    public Envelope {
        if (type == null || type.isEmpty()) {
            throw new IllegalArgumentException("type is required");
        }
        if (data == null) {
            data = JsonNodeFactory.instance.objectNode();
        }
    }

    /** An event addressed to a room's members, sent by {@code from} (a user id, or null for the gateway). */
    public static Envelope event(String type, String room, String from, ObjectNode data) {
        return new Envelope(type, null, room, null, from, null, data);
    }

    /** An event addressed to a room's members, sent by {@code from}. */
    public static Envelope event(EventType type, String room, String from, ObjectNode data) {
        return event(type.wireName(), room, from, data);
    }

    /** A persisted chat event carrying its room sequence number. */
    public static Envelope sequenced(EventType type, String room, String from, long seq, ObjectNode data) {
        return new Envelope(type.wireName(), null, room, null, from, seq, data);
    }

    /** The answer to a client frame that succeeded. */
    public static Envelope ack(String id, ObjectNode data) {
        return new Envelope(EventType.ACK.wireName(), id, null, null, null, null, data);
    }

    /** The answer to a client frame that failed; {@code id} may be null when none could be read. */
    public static Envelope error(String id, ErrorCode code, String message) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("code", code.wireName());
        data.put("message", message);
        return new Envelope(EventType.ERROR.wireName(), id, null, null, null, null, data);
    }

    /** The {@link EventType} of this envelope, or null for a type the gateway does not know. */
    public EventType eventType() {
        return EventType.fromWireName(type);
    }
}
