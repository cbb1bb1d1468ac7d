package dev.signalgate.gateway.room;

import java.util.List;

import reactor.core.publisher.Mono;

/**
 * Who is in a room across every node. A {@link Hub} counts the connections of this node; presence counts users
 * over the whole cluster, so that {@code chat:user_joined} goes out for a user's first connection anywhere and
 * {@code chat:user_left} for its last, and so that a call's capacity holds across nodes.
 *
 * <p>Callers tell presence only about a user's first and last connection on this node (the hub's
 * {@link JoinResult#firstOfUser()} and {@link Hub#leave}'s answer). Single node ({@link #LOCAL}): the node's own
 * counts are the whole truth, so every answer is immediate. Cluster mode:
 * {@code dev.signalgate.gateway.cluster.RedisPresence}.
 */
public interface Presence {

    /** Single node: what the hub says is all there is. */
    Presence LOCAL = new Presence() {
        @Override
        public Mono<Joined> joined(String kind, String room, String user, List<String> local, int capacity) {
            return Mono.just(new Joined(true, false, local));
        }

        @Override
        public Mono<Boolean> left(String kind, String room, String user) {
            return Mono.just(true);
        }

        @Override
        public Mono<List<String>> members(String kind, String room, List<String> local) {
            return Mono.just(local);
        }

        @Override
        public Mono<Boolean> isPresent(String kind, String room, String user) {
            return Mono.just(false);
        }
    };

    /**
     * The user's first connection on this node joined the room.
     *
     * @param local the users present on this node, the joining one included
     * @param capacity users the room admits cluster-wide, 0 for no limit: past it the answer is {@link Joined#full}
     */
    Mono<Joined> joined(String kind, String room, String user, List<String> local, int capacity);

    /** The user's last connection on this node left; answers whether the user is now gone from every node. */
    Mono<Boolean> left(String kind, String room, String user);

    /** The users present on any node; {@code local} are those of this node. */
    Mono<List<String>> members(String kind, String room, List<String> local);

    /** Whether the user is present in the room on some other node (false in single-node mode). */
    Mono<Boolean> isPresent(String kind, String room, String user);

    /**
     * What a first join did cluster-wide.
     *
     * @param first the user was on no other node: announce it
     * @param full the room was at capacity: nothing was recorded
     * @param members the users present on any node, the joining one included unless full
     */
    record Joined(boolean first, boolean full, List<String> members) {
    }
}
