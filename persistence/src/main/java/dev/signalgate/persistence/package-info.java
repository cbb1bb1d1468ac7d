/**
 * What the gateway keeps: chat messages and persisted domain events with a dense per-room sequence
 * number, and read marks.
 *
 * <p>Contracts live here ({@link dev.signalgate.persistence.MessageStore},
 * {@link dev.signalgate.persistence.ReadMarkStore}, the records that travel through them, and the
 * batching front {@link dev.signalgate.persistence.MessageWriter}); the MongoDB implementations live in
 * {@code mongo}, the embedded MongoDB-wire server in {@code embedded}.
 *
 * <p>Everything is reactive and non-blocking: failures arrive as error signals, never as exceptions
 * thrown from a method that returns a {@code Mono} or {@code Flux}.
 */
@NullMarked
package dev.signalgate.persistence;

import org.jspecify.annotations.NullMarked;
