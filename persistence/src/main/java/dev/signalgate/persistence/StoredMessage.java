package dev.signalgate.persistence;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A message as stored.
 *
 * @param room the room
 * @param seq the room's sequence number: 1, 2, 3, ... with no gap (see {@link MessageStore})
 * @param msgId a unique id (the hex of the document's ObjectId)
 * @param from the sender, or null
 * @param tempId the client's idempotency key, or {@code msgId} when the message was submitted without one
 * @param type {@value NewMessage#CHAT} or an event type
 * @param body the text, or null
 * @param metaJson the opaque JSON string as submitted, or null; untrusted client data
 * @param ts when the message was accepted, millisecond precision
 */
public record StoredMessage(
        String room,
        long seq,
        String msgId,
        @Nullable String from,
        String tempId,
        String type,
        @Nullable String body,
        @Nullable String metaJson,
        Instant ts) {
}
