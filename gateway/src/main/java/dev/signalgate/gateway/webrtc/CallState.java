package dev.signalgate.gateway.webrtc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.connection.Connection;
import reactor.core.Disposable;

/**
 * What one call holds besides its present peers (who are in the call's {@link dev.signalgate.gateway.room.Room}):
 * the seats kept for peers that are reconnecting, the users waiting for admission, and the connections of
 * admitters present. Not thread-safe: only touched under the call's lock in {@link CallRoster}.
 */
final class CallState {

    private final Map<String, Seat> reconnecting = new LinkedHashMap<>();
    private final Map<String, Waiting> waiting = new LinkedHashMap<>();
    private final Set<Connection> admitters = new LinkedHashSet<>();

    /** A place kept for a user whose last connection dropped, until it comes back or the grace ends. */
    static final class Seat {
        private Disposable graceTimer;

        void timer(Disposable timer) {
            this.graceTimer = timer;
        }

        void release() {
            if (graceTimer != null) {
                graceTimer.dispose();
            }
        }
    }

    /** A user waiting for admission, with each of its connections that asked (two tabs wait as one user). */
    record Waiting(UserPrincipal principal, Set<Connection> connections) {
    }

    // ---- reconnecting ----

    void keepSeat(String user, Seat seat) {
        Seat previous = reconnecting.put(user, seat);
        if (previous != null) {
            previous.release();
        }
    }

    boolean isReconnecting(String user) {
        return reconnecting.containsKey(user);
    }

    /** Gives the kept seat back to its user; answers whether there was one. */
    boolean resume(String user) {
        Seat seat = reconnecting.remove(user);
        if (seat == null) {
            return false;
        }
        seat.release();
        return true;
    }

    /** Ends the grace of {@code seat}; answers false when the user already came back (or a newer seat replaced it). */
    boolean expire(String user, Seat seat) {
        return reconnecting.remove(user, seat);
    }

    /** The users reconnecting, in the order their connections dropped. */
    List<String> reconnectingUsers() {
        return new ArrayList<>(reconnecting.keySet());
    }

    // ---- waiting ----

    /** Adds a waiting connection; answers whether its user just started waiting. */
    boolean addWaiting(Connection connection) {
        Waiting entry = waiting.get(connection.userId());
        if (entry == null) {
            entry = new Waiting(connection.principal(), new LinkedHashSet<>());
            waiting.put(connection.userId(), entry);
        }
        return entry.connections().add(connection) && entry.connections().size() == 1;
    }

    boolean isWaiting(Connection connection) {
        Waiting entry = waiting.get(connection.userId());
        return entry != null && entry.connections().contains(connection);
    }

    /** Removes a waiting connection; answers whether that was its user's last, so the user no longer waits. */
    boolean removeWaiting(Connection connection) {
        Waiting entry = waiting.get(connection.userId());
        if (entry == null || !entry.connections().remove(connection)) {
            return false;
        }
        if (entry.connections().isEmpty()) {
            waiting.remove(connection.userId());
            return true;
        }
        return false;
    }

    /** The waiting user, or null. */
    Waiting waiting(String user) {
        return waiting.get(user);
    }

    /** Takes a waiting user out of the queue, with its connections; null if the user is not waiting. */
    Waiting takeWaiting(String user) {
        return waiting.remove(user);
    }

    /** The waiting users, in the order they started waiting. */
    List<Waiting> waitingUsers() {
        return new ArrayList<>(waiting.values());
    }

    // ---- admitters ----

    void addAdmitter(Connection connection) {
        admitters.add(connection);
    }

    void removeAdmitter(Connection connection) {
        admitters.remove(connection);
    }

    List<Connection> admitters() {
        return new ArrayList<>(admitters);
    }

    /** Whether nothing is kept for this call, so its state can be dropped. */
    boolean idle() {
        return reconnecting.isEmpty() && waiting.isEmpty() && admitters.isEmpty();
    }
}
