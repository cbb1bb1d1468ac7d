package dev.signalgate.gateway.chat;

import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.EventType;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns stored messages into wire data: the {@code chat:confirmed} frame, and history entries (the same data
 * plus {@code seq} and {@code from}). {@code meta} is stored as the client's JSON text and comes back as the
 * same object.
 */
public final class StoredMessages {

    private final JsonMapper mapper;

    public StoredMessages(JsonMapper mapper) {
        this.mapper = mapper;
    }

    /** The opaque {@code meta} object as JSON text for the store, or null. */
    public String metaJson(ObjectNode meta) {
        return meta == null ? null : mapper.writeValueAsString(meta);
    }

    /** The data of {@code chat:confirmed}: {@code msgId, tempId, body, meta?, ts}; events carry {@code type}. */
    public ObjectNode confirmedData(StoredMessage message) {
        ObjectNode data = Replies.object().put("msgId", message.msgId()).put("tempId", message.tempId());
        if (!NewMessage.CHAT.equals(message.type())) {
            data.put("type", message.type());
        }
        if (message.body() != null) {
            data.put("body", message.body());
        }
        if (message.metaJson() != null) {
            data.set(NewMessage.CHAT.equals(message.type()) ? "meta" : "data", parse(message.metaJson()));
        }
        data.put("ts", message.ts().toEpochMilli());
        return data;
    }

    /** The {@code chat:confirmed} envelope of a stored chat message. */
    public Envelope confirmed(StoredMessage message) {
        return Envelope.sequenced(EventType.CHAT_CONFIRMED, message.room(), message.from(), message.seq(),
                confirmedData(message));
    }

    /**
     * A stored message as a resuming client gets it: a chat message as {@code chat:confirmed}; a persisted backend
     * event in the same shape live members got it, its own type with {@code seq} and its {@code data}, so one
     * client handler serves both.
     */
    public Envelope replayed(StoredMessage message) {
        if (NewMessage.CHAT.equals(message.type())) {
            return confirmed(message);
        }
        JsonNode data = message.metaJson() == null ? Replies.object() : parse(message.metaJson());
        return new Envelope(message.type(), null, message.room(), null, message.from(), message.seq(),
                data.isObject() ? (ObjectNode) data : Replies.object());
    }

    /** A history entry: the confirmed data plus {@code seq} and {@code from}. */
    public ObjectNode historyEntry(StoredMessage message) {
        ObjectNode entry = confirmedData(message);
        entry.put("seq", message.seq());
        if (message.from() != null) {
            entry.put("from", message.from());
        }
        return entry;
    }

    private JsonNode parse(String json) {
        try {
            return mapper.readTree(json);
        } catch (JacksonException e) {
            // Stored by this gateway from a parsed object, so only a foreign writer could get here.
            return Replies.object().put("unreadable", true);
        }
    }
}
