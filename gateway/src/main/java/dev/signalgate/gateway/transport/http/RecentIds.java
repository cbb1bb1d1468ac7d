package dev.signalgate.gateway.transport.http;

import java.util.LinkedHashSet;
import java.util.Iterator;

/**
 * The envelope ids a session ran most recently, so that a POST retried after a network error does not run a
 * frame twice. Bounded: a retry comes right after the attempt it repeats, so a short memory suffices.
 */
final class RecentIds {

    private final int capacity;
    private final LinkedHashSet<String> ids = new LinkedHashSet<>();

    RecentIds(int capacity) {
        this.capacity = capacity;
    }

    /** Remembers {@code id}; answers false when it was already remembered (a duplicate). */
    synchronized boolean add(String id) {
        if (!ids.add(id)) {
            return false;
        }
        if (ids.size() > capacity) {
            Iterator<String> oldest = ids.iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }
}
