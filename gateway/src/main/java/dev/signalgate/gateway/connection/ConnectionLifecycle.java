package dev.signalgate.gateway.connection;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.gateway.dispatch.DisconnectListener;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.protocol.CloseCode;

/**
 * What every connection goes through at its two ends, whatever carries it (a WebSocket or an HTTP session). Admitted:
 * registered and counted, welcomed first, then either refused because its user holds too many connections or
 * watched for token expiry and for the first-frame deadline (by the {@link ConnectionSweep}). Released:
 * unregistered, out of every room and call (the disconnect listeners), its outbox completed. One place, so both
 * transports keep the same rules.
 */
public final class ConnectionLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ConnectionLifecycle.class);

    private final ConnectionRegistry registry;
    private final Replies replies;
    private final TokenExpiry tokenExpiry;
    private final GatewayProperties.Limits limits;
    private final List<DisconnectListener> disconnectListeners;
    private final ConnectionEvents events;

    public ConnectionLifecycle(ConnectionRegistry registry, Replies replies, TokenExpiry tokenExpiry,
            GatewayProperties.Limits limits, List<DisconnectListener> disconnectListeners, ConnectionEvents events) {
        this.registry = registry;
        this.replies = replies;
        this.tokenExpiry = tokenExpiry;
        this.limits = limits;
        this.disconnectListeners = disconnectListeners;
        this.events = events;
    }

    /** Admits a connection whose outbox is already drained by its transport; {@code transport} is for the log. */
    public void admit(Connection connection, String transport) {
        int userConnections = registry.register(connection);
        events.connectionOpened(connection);
        // The contract's first frame on every connection, also one about to be refused.
        connection.send(replies.encode(GatewayWebSocketHandler.welcome(connection)));
        if (userConnections > limits.maxConnectionsPerUser()) {
            log.info("refused: connection={} user={} transport={} holds {} connections, limit {}", connection.id(),
                    connection.userId(), transport, userConnections - 1, limits.maxConnectionsPerUser());
            connection.close(CloseCode.TOO_MANY_CONNECTIONS);
            return;
        }
        log.debug("connected: connection={} user={} transport={}", connection.id(), connection.userId(), transport);
        tokenExpiry.watch(connection);
        // A deadline for the ConnectionSweep beside the inbound side, not a timeout on it: cancelling a socket's
        // receive makes Reactor Netty close with an empty status before our 4000 could go out.
        connection.firstFrameDeadline(Connection.deadline(System.nanoTime() + limits.firstFrameTimeout().toNanos()));
    }

    /** Releases a connection that ended, once: a failing disconnect listener is logged and the others still run. */
    public void release(Connection connection, String transport) {
        registry.unregister(connection);
        connection.released();
        for (DisconnectListener listener : disconnectListeners) {
            try {
                listener.disconnected(connection);
            } catch (RuntimeException e) {
                log.error("disconnect listener failed: connection={}", connection.id(), e);
            }
        }
        connection.outbox().complete();
        events.connectionClosed(connection);
        log.debug("disconnected: connection={} user={} transport={}", connection.id(), connection.userId(), transport);
    }
}
