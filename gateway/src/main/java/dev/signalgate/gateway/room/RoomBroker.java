package dev.signalgate.gateway.room;

import reactor.core.publisher.Mono;

/**
 * Carries room traffic between gateway nodes. A {@link Hub} tells its broker when a room gets its first local
 * member and when it is released, and hands it every delivery it publishes; the broker hands deliveries published
 * on other nodes back through {@link Hub#deliverRemote}.
 *
 * <p>Single node ({@link #LOCAL}): nothing to do. Cluster mode: {@code dev.signalgate.gateway.cluster.RedisRoomBroker},
 * one Redis pub/sub subscription per active room per node. Every method must return at once: hubs call them
 * while holding a room's registration.
 *
 * <p>A join must not be acknowledged before this node receives the room's traffic from the other nodes, or a frame
 * published there the moment the ack arrives (a {@code webrtc:offer} sent on {@code peer_joined}) is lost to the
 * new member: {@link #confirmed} and {@link #hold} let a join wait for that.
 */
public interface RoomBroker {

    /** Does nothing: every member is on this node. */
    RoomBroker LOCAL = new RoomBroker() {
    };

    /** The hub that receives deliveries from other nodes for rooms of its kind. */
    default void attach(Hub hub) {
    }

    /** The room of {@code hub} got its first member on this node: start receiving its traffic. */
    default void roomActive(Hub hub, String room) {
    }

    /** The room of {@code hub} lost its last member on this node: stop receiving its traffic. */
    default void roomReleased(Hub hub, String room) {
    }

    /** Sends a delivery already published on this node to the room's members on the other nodes. */
    default void publish(Hub hub, String room, Delivery delivery) {
    }

    /**
     * Completes once traffic the other nodes publish to the room reaches this node (at once when the room is not
     * active here); errors when the subscription failed or was not confirmed in time.
     */
    default Mono<Void> confirmed(Hub hub, String room) {
        return Mono.empty();
    }

    /**
     * Subscribes to the room ahead of a join, before it has a member here: the value, once the subscription is
     * confirmed, releases this hold (the room's own members keep it subscribed). Errors, holding nothing, when the
     * subscription failed or was not confirmed in time.
     */
    default Mono<Runnable> hold(Hub hub, String room) {
        return Mono.just(() -> {
        });
    }
}
