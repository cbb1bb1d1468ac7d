package dev.signalgate.gateway.connection;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Every open connection of this node, by id and by user: for graceful shutdown, for disconnecting a user, for
 * per-user connection limits and for stats.
 */
public final class ConnectionRegistry {

    private final Map<String, Connection> byId = new ConcurrentHashMap<>();
    private final Map<String, Set<Connection>> byUser = new ConcurrentHashMap<>();

    /** Registers the connection; answers how many connections its user now has on this node, this one included. */
    public int register(Connection connection) {
        byId.put(connection.id(), connection);
        int[] count = new int[1];
        byUser.compute(connection.userId(), (user, set) -> {
            Set<Connection> connections = set == null ? ConcurrentHashMap.newKeySet() : set;
            connections.add(connection);
            count[0] = connections.size();
            return connections;
        });
        return count[0];
    }

    public void unregister(Connection connection) {
        if (byId.remove(connection.id()) == null) {
            return;
        }
        byUser.computeIfPresent(connection.userId(), (user, set) -> {
            set.remove(connection);
            return set.isEmpty() ? null : set;
        });
    }

    /** The open connection with this id, or null. */
    public Connection byId(String id) {
        return byId.get(id);
    }

    /** A snapshot of every open connection. */
    public Collection<Connection> all() {
        return List.copyOf(byId.values());
    }

    /** A snapshot of the user's open connections on this node. */
    public Collection<Connection> ofUser(String userId) {
        Set<Connection> connections = byUser.get(userId);
        return connections == null ? List.of() : List.copyOf(connections);
    }

    /** Runs {@code action} for every open connection, without a snapshot: weakly consistent, as its map's view. */
    public void forEach(Consumer<Connection> action) {
        byId.values().forEach(action);
    }

    public int connectionCount() {
        return byId.size();
    }

    /** Open connections carried by {@code transport} ({@link Connection#transport()}); counts as it goes. */
    public int connectionCount(String transport) {
        int count = 0;
        for (Connection connection : byId.values()) {
            if (transport.equals(connection.transport())) {
                count++;
            }
        }
        return count;
    }

    public int userCount() {
        return byUser.size();
    }
}
