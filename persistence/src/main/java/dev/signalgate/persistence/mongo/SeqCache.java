package dev.signalgate.persistence.mongo;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The last seq this node saw stored per room: a hint that saves a read before each batch.
 *
 * <p>Never trusted for correctness: a stale value (another node wrote since) only costs a refused insert
 * and a re-read, and the store forgets a room's value on any duplicate-key error or failure. It can only
 * be too high if stored messages vanish (a rollback of writes not acknowledged by a majority, a manual
 * delete); such events come with errors, which clear it.
 *
 * <p>Bounded: least recently used rooms are dropped beyond {@code capacity}. A plain synchronized map
 * is enough because each batch touches it a few times, not per message read.
 */
final class SeqCache {

    private final Map<String, Long> lastSeqs;

    SeqCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("seq cache capacity must be at least 1, got " + capacity);
        }
        this.lastSeqs = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized OptionalLong get(String room) {
        Long seq = lastSeqs.get(room);
        return seq == null ? OptionalLong.empty() : OptionalLong.of(seq);
    }

    /** Records a stored seq; keeps the higher of the two, since stored messages do not go away. */
    synchronized void stored(String room, long seq) {
        lastSeqs.merge(room, seq, Math::max);
    }

    synchronized void forget(String room) {
        lastSeqs.remove(room);
    }

    synchronized void forget(Collection<String> rooms) {
        rooms.forEach(lastSeqs::remove);
    }

    synchronized int size() {
        return lastSeqs.size();
    }
}
