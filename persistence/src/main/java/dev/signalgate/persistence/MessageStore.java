package dev.signalgate.persistence;

import java.util.List;

import org.jspecify.annotations.Nullable;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stores messages and numbers them per room, and reads them back by number.
 *
 * <h2>Sequencing</h2>
 * Every message of a room gets a {@code seq}: 1, 2, 3, ... with no gap and no duplicate, ever, however
 * many gateway nodes write to the room. This is what makes resuming safe: a client that has seen seq N
 * asks for {@link #after(String, long, int) after(room, N, ...)} and cannot miss anything, because a
 * message numbered below N can never appear later.
 *
 * <p>Implementations are expected to let the database be the sequencer (see {@code MongoMessageStore}):
 * a message is inserted with the room's current maximum + 1 and a unique (room, seq) index refuses a
 * second writer that picked the same number. A number is only taken by a successful insert, so seq N
 * existing implies 1 .. N-1 existed before it.
 *
 * <h2>Idempotency</h2>
 * At most one message is kept per (room, from, tempId): appending a message whose key is already stored
 * stores nothing and answers the stored message, so a client can retry after a timeout without creating
 * a duplicate.
 *
 * <h2>Errors</h2>
 * Infrastructure failures arrive as error signals (driver exceptions, unchanged); no method throws or
 * blocks.
 *
 * <pre>{@code
 * store.appendAll(List.of(NewMessage.chat("room:42", "alice", "t-1", "hello", null, Instant.now())))
 *      .subscribe(stored -> broadcast(stored.room(), stored.seq(), stored));
 * }</pre>
 */
public interface MessageStore {

    /**
     * Stores a batch (which may span rooms) and emits one stored message per input, in input order.
     *
     * <p>An input whose (room, from, tempId) is already stored, or appears earlier in the same batch, is
     * not stored again: the stored message is emitted in its place (so its seq may be older than the
     * others'). Within a room, new messages are numbered in input order.
     *
     * @param batch the messages; an empty batch completes empty
     * @return the stored messages in input order; an error if the store failed (some inputs may have
     *         been stored, retrying the batch is safe)
     */
    Flux<StoredMessage> appendAll(List<NewMessage> batch);

    /** Stores one message: {@link #appendAll(List)} with a batch of one. */
    default Mono<StoredMessage> append(NewMessage message) {
        return appendAll(List.of(message)).single();
    }

    /**
     * The messages of a room with {@code seq > sinceSeq}, ascending: the resume query.
     *
     * @param sinceSeq the last seq the client has seen (0 for everything)
     * @param limit at most this many, at least 1
     */
    Flux<StoredMessage> after(String room, long sinceSeq, int limit);

    /**
     * The messages of a room with {@code seq < beforeSeq}, newest first: the history query.
     *
     * @param beforeSeq the oldest seq the client already has, or null for the newest messages
     * @param limit at most this many, at least 1
     */
    Flux<StoredMessage> before(String room, @Nullable Long beforeSeq, int limit);

    /** The highest seq of a room, or 0 when the room has no message. Read from the database, not a cache. */
    Mono<Long> lastSeq(String room);

    /** The stored message with this (room, from, tempId), or empty. */
    Mono<StoredMessage> findByTempId(String room, @Nullable String from, String tempId);
}
