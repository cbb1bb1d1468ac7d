package dev.signalgate.persistence;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What makes a submission a retry of an earlier one: the same sender, in the same room, with the same
 * client-chosen {@code tempId}.
 *
 * <p>The store keeps at most one message per key (a unique index), and {@link MessageWriter} shares one
 * write between concurrent submissions with the same key.
 *
 * @param room the room
 * @param from the sender, or null for messages without a sender (server events)
 * @param tempId the client's idempotency key
 */
public record IdempotencyKey(String room, @Nullable String from, String tempId) {

    public IdempotencyKey {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(tempId, "tempId");
    }
}
