package dev.signalgate.persistence;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A message to be stored: a chat message ({@code type} {@value #CHAT}) or a persisted domain event
 * (a backend event type such as {@code "queue:updated"}).
 *
 * <p>The store assigns {@code seq} and {@code msgId}; everything else is kept as given.
 *
 * @param room the room the message belongs to; required, not blank
 * @param from the sender's user id, or null for messages without a sender (server events)
 * @param tempId the client's idempotency key: a second message with the same (room, from, tempId) is a
 *        retry and is not stored again. Null when the message has none (server events); the store then
 *        uses the generated msgId as the key, so such a message is never deduplicated
 * @param type {@value #CHAT} or an event type; required, not blank
 * @param body the text, or null (events carry their data in {@code metaJson})
 * @param metaJson an opaque JSON object kept as a string, or null. The store never parses it:
 *        end-to-end encrypted payloads travel here, so treat it as untrusted client data
 * @param ts when the message was accepted; stored with millisecond precision (BSON date)
 */
public record NewMessage(
        String room,
        @Nullable String from,
        @Nullable String tempId,
        String type,
        @Nullable String body,
        @Nullable String metaJson,
        Instant ts) {

    /** The type of chat messages. */
    public static final String CHAT = "chat";

    public NewMessage {
        requireText(room, "room");
        requireText(type, "type");
        Objects.requireNonNull(ts, "ts");
    }

    /** A chat message. */
    public static NewMessage chat(String room, String from, String tempId, String body, @Nullable String metaJson,
            Instant ts) {
        return new NewMessage(room, from, tempId, CHAT, body, metaJson, ts);
    }

    /** The retry key of this message, or null when it has no {@code tempId}. */
    public @Nullable IdempotencyKey idempotencyKey() {
        return tempId == null ? null : new IdempotencyKey(room, from, tempId);
    }

    private static void requireText(@Nullable String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is required: expected a non-blank string, got "
                    + (value == null ? "null" : "'" + value + "'"));
        }
    }
}
