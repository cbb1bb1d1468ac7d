package dev.signalgate.gateway.chat;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.signalgate.persistence.IdempotencyKey;

/**
 * The messages whose room was told {@code chat:failed}, until a retry confirms them. A failed write's outcome is
 * unknown: a write that timed out may still have been stored. The retry is then answered with the stored message,
 * and that confirmation must reach the whole room, not only the retrying sender, or the other members keep a
 * failed message that is in fact stored.
 *
 * <p>Bounded (oldest forgotten first), because senders may never retry; a forgotten key only means that its
 * retry's confirmation goes to the sender alone, as it does when the retry reaches another node. The lock is only
 * taken while some key is held (after failures), so messages stored at the first attempt in a healthy gateway never
 * touch it.
 */
final class FailedInRoom {

    private final Map<IdempotencyKey, Boolean> keys;
    private volatile int size;

    FailedInRoom(int capacity) {
        this.keys = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<IdempotencyKey, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The room was told this message failed. */
    synchronized void told(IdempotencyKey key) {
        keys.put(key, Boolean.TRUE);
        size = keys.size();
    }

    /** Whether the room was told this message failed; forgets it, since the confirmation is going out now. */
    boolean takeBack(IdempotencyKey key) {
        if (size == 0) {
            return false;
        }
        synchronized (this) {
            boolean held = keys.remove(key) != null;
            size = keys.size();
            return held;
        }
    }
}
