package dev.signalgate.persistence;

import java.util.Map;

import reactor.core.publisher.Mono;

/**
 * How far each member of a room has read, as the seq of the last message seen.
 *
 * <p>Marks only move forward: a late or duplicated "seen" (clients on several devices, reordered
 * frames) must not move a mark back, so {@link #advance} keeps the maximum and does it atomically in
 * the database, which is correct with several gateway nodes.
 */
public interface ReadMarkStore {

    /**
     * Stores {@code max(existing, seq)} for the member and emits the mark now stored, which is greater
     * than {@code seq} when the member had already read further.
     *
     * @param seq a seq of the room, at least 0
     */
    Mono<Long> advance(String room, String userId, long seq);

    /** The marks of a room: user id to seq; empty map when nobody has a mark. */
    Mono<Map<String, Long>> marks(String room);
}
