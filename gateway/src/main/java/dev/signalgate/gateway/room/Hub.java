package dev.signalgate.gateway.room;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.ProtocolException;
import reactor.core.publisher.Mono;

/**
 * All rooms of one kind on this node (the chat rooms, or the calls), created on first join and released when
 * their last member leaves, so that a million join/leave cycles leave nothing behind.
 *
 * <p>Creation and removal go through {@link ConcurrentHashMap#compute}, so a join racing the last leave either
 * lands in the old room before it is removed or creates a fresh one; it never joins a room that is no longer
 * registered.
 */
public final class Hub {

    private final String kind;
    private final int capacity;
    private final int holdLimit;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private volatile RoomBroker broker = RoomBroker.LOCAL;

    /**
     * @param kind what these rooms are, for logs and stats ("chat", "call")
     * @param capacity users each room admits; {@link Integer#MAX_VALUE} for no limit
     * @param holdLimit live deliveries a resuming member may have held back before it counts as too slow
     */
    public Hub(String kind, int capacity, int holdLimit) {
        this.kind = kind;
        this.capacity = capacity;
        this.holdLimit = holdLimit;
    }

    public String kind() {
        return kind;
    }

    /** Shares this hub's rooms with other nodes through {@code broker}; {@link RoomBroker#LOCAL} by default. */
    public void broker(RoomBroker broker) {
        this.broker = broker;
        broker.attach(this);
    }

    /** Adds the connection to the room, creating the room if needed. */
    public JoinResult join(String roomId, Connection connection) {
        return join(roomId, connection, false);
    }

    /**
     * Adds the connection to the room; with {@code holdForReplay}, its feed holds live deliveries from the very
     * first one until {@link MemberFeed#release} (resume with {@code since}).
     */
    public JoinResult join(String roomId, Connection connection, boolean holdForReplay) {
        JoinResult[] result = new JoinResult[1];
        rooms.compute(roomId, (id, room) -> {
            Room target = room == null ? new Room(id, capacity, holdLimit) : room;
            result[0] = target.add(connection, holdForReplay);
            if (target.isEmpty()) {
                return null;
            }
            if (room == null) {
                broker.roomActive(this, id);
            }
            return target;
        });
        return result[0];
    }

    /**
     * Completes once this node receives what other nodes publish to the room, which a join waits for before it is
     * acknowledged or announced; errors with {@code unavailable} when that cannot be confirmed (Redis down or too
     * slow). At once on a single node, and for a room with no members here.
     */
    public Mono<Void> confirmed(String roomId) {
        return broker.confirmed(this, roomId).onErrorMap(failure -> unavailable(roomId));
    }

    /**
     * Runs {@code join} once this node receives what other nodes publish to the room, subscribing ahead of it if
     * the room has no member here yet: for joins whose membership, announcements and ack all happen at once.
     * Errors with {@code unavailable}, without running {@code join}, when the subscription cannot be confirmed.
     */
    public <T> Mono<T> afterSubscribing(String roomId, Supplier<Mono<T>> join) {
        return Mono.usingWhen(broker.hold(this, roomId).onErrorMap(failure -> unavailable(roomId)),
                held -> Mono.defer(join),
                held -> Mono.fromRunnable(held));
    }

    private ProtocolException unavailable(String roomId) {
        return new ProtocolException(ErrorCode.UNAVAILABLE, "this node could not receive the traffic of room \""
                + roomId + "\" from the other nodes in time (the cluster's Redis is unavailable or slow): join again");
    }

    /**
     * Removes the connection from the room, releasing the room when it empties.
     *
     * @return true if this was the user's last connection in the room, false if the user is still present
     *     through another connection, null if the connection was not a member
     */
    public Boolean leave(String roomId, Connection connection) {
        Boolean[] lastOfUser = new Boolean[1];
        rooms.computeIfPresent(roomId, (id, room) -> {
            lastOfUser[0] = room.remove(connection);
            if (room.isEmpty()) {
                broker.roomReleased(this, id);
                return null;
            }
            return room;
        });
        return lastOfUser[0];
    }

    /**
     * Delivers to the room's members on this node (a room with no members here takes nothing) and, through the
     * broker, on every other node.
     */
    public void publish(String roomId, Delivery delivery) {
        deliverLocal(roomId, delivery);
        broker.publish(this, roomId, delivery);
    }

    /** Delivers what another node published to the room's members on this node, and nowhere else. */
    public void deliverRemote(String roomId, Delivery delivery) {
        deliverLocal(roomId, delivery);
    }

    private void deliverLocal(String roomId, Delivery delivery) {
        Room room = rooms.get(roomId);
        if (room != null) {
            room.publish(delivery);
        }
    }

    /**
     * The store view of the room while it has members on this node ({@link StoreView}), or null: a join reads
     * through it after {@link #confirmed}, so that it follows every delivery from then on.
     */
    public StoreView storeView(String roomId) {
        Room room = rooms.get(roomId);
        return room == null ? null : room.storeView();
    }

    /** Stops trusting every room's store view: deliveries from other nodes may have been missed. */
    public void forgetStoreViews() {
        rooms.values().forEach(room -> room.storeView().forget());
    }

    /** The ids of the rooms with members on this node, a snapshot. */
    public List<String> roomIds() {
        return List.copyOf(rooms.keySet());
    }

    /** Whether the user has a connection in the room on this node. */
    public boolean hasUser(String roomId, String userId) {
        Room room = rooms.get(roomId);
        return room != null && room.hasUser(userId);
    }

    /** The users present in the room, in arrival order; empty when there is no such room. */
    public List<String> userIds(String roomId) {
        Room room = rooms.get(roomId);
        return room == null ? List.of() : room.userIds();
    }

    /** The display names of the users present in the room on this node, by user id ({@link Room#names()}). */
    public Map<String, String> names(String roomId) {
        Room room = rooms.get(roomId);
        return room == null ? Map.of() : room.names();
    }

    public int roomCount() {
        return rooms.size();
    }

    /** The {@code limit} rooms with the most connections. */
    public List<Room> busiest(int limit) {
        return rooms.values().stream()
                .sorted(Comparator.comparingInt(Room::connectionCount).reversed())
                .limit(limit)
                .toList();
    }
}
