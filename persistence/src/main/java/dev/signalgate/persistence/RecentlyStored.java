package dev.signalgate.persistence;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages {@link MessageWriter} stored most recently, by retry key, so that a retry of one of them is answered
 * from memory instead of queueing behind new messages for a store look-up. A client that lost its confirmations
 * (a dropped connection, a stall) resends everything it has not seen confirmed, often all at once: answered here,
 * such a storm costs the store nothing and new messages do not wait behind it.
 *
 * <p>Only what this writer itself stored, and only as stored, so an answer from here is exactly what the store
 * would answer (a stored message never changes). A write that timed out is not here (its result is unknown), nor
 * is anything another node stored: those retries go to the store, as before. Bounded by entries and by the
 * characters of body and meta (bodies may be up to 16 KiB), the oldest forgotten first. One lock: one put per
 * stored message on the writer's thread, one get per submission.
 */
final class RecentlyStored {

    /** Per-entry overhead counted besides body and meta: keys, ids, the map's node. */
    private static final int ENTRY_CHARS = 256;

    private final int maxEntries;
    private final long maxChars;
    private final Map<IdempotencyKey, StoredMessage> messages = new LinkedHashMap<>();
    private long chars;

    RecentlyStored(int maxEntries, long maxChars) {
        this.maxEntries = maxEntries;
        this.maxChars = maxChars;
    }

    synchronized StoredMessage get(IdempotencyKey key) {
        return maxEntries == 0 ? null : messages.get(key);
    }

    synchronized void put(IdempotencyKey key, StoredMessage stored) {
        if (maxEntries == 0) {
            return;
        }
        StoredMessage previous = messages.put(key, stored);
        chars += weight(stored) - (previous == null ? 0 : weight(previous));
        Iterator<StoredMessage> oldest = messages.values().iterator();
        while ((messages.size() > maxEntries || chars > maxChars) && oldest.hasNext()) {
            chars -= weight(oldest.next());
            oldest.remove();
        }
    }

    synchronized int size() {
        return messages.size();
    }

    private static long weight(StoredMessage message) {
        String body = message.body();
        String meta = message.metaJson();
        return ENTRY_CHARS + (body == null ? 0 : body.length()) + (meta == null ? 0 : meta.length());
    }
}
