package dev.signalgate.gateway.room;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.signalgate.gateway.connection.Connection;
import reactor.core.Disposable;

/**
 * The members of one room (a chat room or a call) on this node, counted by connection and by user, and the
 * {@link FanOut} that delivers to them.
 *
 * <p>Presence counts users, not connections: a user's first connection to join makes the user appear, the last
 * one to leave makes the user go. A capacity, when set, also counts users, so one user on two devices takes one
 * place in a consultation.
 */
public final class Room {

    private final String id;
    private final int capacity;
    private final FanOut fanOut = new FanOut();
    private final StoreView storeView = new StoreView();
    private final int holdLimit;
    private final Map<Connection, Member> members = new HashMap<>();
    private final Map<String, Integer> connectionsByUser = new LinkedHashMap<>();

    Room(String id, int capacity, int holdLimit) {
        this.id = id;
        this.capacity = capacity;
        this.holdLimit = holdLimit;
    }

    public String id() {
        return id;
    }

    synchronized JoinResult add(Connection connection, boolean holdForReplay) {
        Member existing = members.get(connection);
        if (existing != null) {
            if (holdForReplay) {
                existing.feed().hold();
            }
            return new JoinResult(JoinResult.Status.ALREADY_MEMBER, false, userIds(), existing.feed());
        }
        String user = connection.userId();
        boolean firstOfUser = !connectionsByUser.containsKey(user);
        if (firstOfUser && connectionsByUser.size() >= capacity) {
            return new JoinResult(JoinResult.Status.FULL, false, userIds(), null);
        }
        MemberFeed feed = new MemberFeed(connection, holdLimit);
        if (holdForReplay) {
            // Before subscribing: nothing published from now on may slip past the replay.
            feed.hold();
        }
        members.put(connection, new Member(feed, fanOut.subscribe(feed)));
        connectionsByUser.merge(user, 1, Integer::sum);
        return new JoinResult(JoinResult.Status.JOINED, firstOfUser, userIds(), feed);
    }

    /** Removes the connection; answers whether it was the user's last one here, or null if it was no member. */
    synchronized Boolean remove(Connection connection) {
        Member member = members.remove(connection);
        if (member == null) {
            return null;
        }
        member.subscription().dispose();
        String user = connection.userId();
        int left = connectionsByUser.merge(user, -1, Integer::sum);
        if (left == 0) {
            connectionsByUser.remove(user);
            return true;
        }
        return false;
    }

    synchronized boolean isEmpty() {
        return members.isEmpty();
    }

    /** The users present, in the order they arrived. */
    public synchronized List<String> userIds() {
        return new ArrayList<>(connectionsByUser.keySet());
    }

    public synchronized boolean hasUser(String userId) {
        return connectionsByUser.containsKey(userId);
    }

    /** The display names ({@code name} claim) of the users present whose token has one, by user id. */
    public synchronized Map<String, String> names() {
        Map<String, String> names = new LinkedHashMap<>();
        for (Connection connection : members.keySet()) {
            String name = connection.principal().name();
            if (name != null) {
                names.put(connection.userId(), name);
            }
        }
        return names;
    }

    public synchronized int connectionCount() {
        return members.size();
    }

    /** What this node knows of the room's stored messages and read marks, for join acks. */
    public StoreView storeView() {
        return storeView;
    }

    void publish(Delivery delivery) {
        if (delivery.seq() > 0) {
            storeView.sawStored(delivery.seq());
        } else if (delivery.readMark() != null) {
            storeView.sawReadMark(delivery.readMark().userId(), delivery.readMark().seq());
        }
        fanOut.publish(delivery);
    }

    private record Member(MemberFeed feed, Disposable subscription) {
    }
}
