package dev.signalgate.gateway.connection;

/**
 * What a connection reports about itself: its life and every frame offered to it. The connection package
 * declares it so that it never depends on who listens; {@code observability.GatewayEvents} implements it and
 * passes each call on to the gateway's observers.
 *
 * <p>Called on event-loop threads, once per member of every fan-out: an implementation must be quick, never
 * block and never throw.
 */
public interface ConnectionEvents {

    /** Reports nothing: for unit tests and tools. */
    ConnectionEvents NONE = new ConnectionEvents() {
    };

    /** A WebSocket was accepted and its welcome queued. */
    default void connectionOpened(Connection connection) {
    }

    /** A connection ended; {@link Connection#closeCode()} is null when the client closed it or the network dropped. */
    default void connectionClosed(Connection connection) {
    }

    /** A frame was queued for a connection. */
    default void frameQueued(Connection connection, Frame frame) {
    }

    /** A frame was not queued for a connection: {@code reason} is "ephemeral" (backed up) or "overflow". */
    default void frameDropped(Connection connection, Frame frame, String reason) {
    }
}
