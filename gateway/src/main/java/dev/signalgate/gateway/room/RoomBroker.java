package dev.signalgate.gateway.room;

/**
 * Carries room traffic between gateway nodes. A {@link Hub} tells its broker when a room gets its first local
 * member and when it is released, and hands it every delivery it publishes; the broker hands deliveries published
 * on other nodes back through {@link Hub#deliverRemote}.
 *
 * <p>Single node ({@link #LOCAL}): nothing to do. Cluster mode: {@code dev.signalgate.gateway.cluster.RedisRoomBroker},
 * one Redis pub/sub subscription per active room per node. Every method must return at once: hubs call them
 * while holding a room's registration.
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
}
