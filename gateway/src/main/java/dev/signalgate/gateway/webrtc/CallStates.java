package dev.signalgate.gateway.webrtc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@link CallState} of every call with something kept, each behind its call's lock: one of a fixed set of
 * stripes chosen by room id, so a million calls need no million locks and two calls rarely share one. A state is
 * created on first use and dropped once {@link CallState#idle()}, all under the lock, so nobody ever works on a
 * state that is no longer registered. Locks are reentrant monitors; nothing done under them may wait.
 */
final class CallStates {

    private static final int STRIPES = 64;

    private final Object[] locks = new Object[STRIPES];
    private final Map<String, CallState> states = new ConcurrentHashMap<>();

    CallStates() {
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** Runs {@code action} on the call's state under the call's lock. */
    void update(String room, Consumer<CallState> action) {
        read(room, call -> {
            action.accept(call);
            return null;
        });
    }

    /** Runs {@code action} on the call's state under the call's lock, and answers what it answers. */
    <T> T read(String room, Function<CallState, T> action) {
        synchronized (locks[Math.floorMod(room.hashCode() * 0x9E3779B9, STRIPES)]) {
            CallState call = states.computeIfAbsent(room, id -> new CallState());
            try {
                return action.apply(call);
            } finally {
                if (call.idle()) {
                    states.remove(room);
                }
            }
        }
    }

    /** Calls with something kept. */
    int size() {
        return states.size();
    }
}
