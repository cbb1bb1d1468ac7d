package dev.signalgate.gateway.connection;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.protocol.CloseCode;
import reactor.core.publisher.Mono;

/**
 * What every new connection goes through, whatever carries it (a WebSocket or an HTTP session): registered and
 * counted, welcomed first, then either refused because its user holds too many connections or watched for token
 * expiry and for the first-frame deadline. One place, so both transports keep the same rules.
 */
public final class ConnectionAdmission {

    private static final Logger log = LoggerFactory.getLogger(ConnectionAdmission.class);

    private final ConnectionRegistry registry;
    private final Replies replies;
    private final TokenExpiry tokenExpiry;
    private final GatewayProperties.Limits limits;
    private final ConnectionEvents events;

    public ConnectionAdmission(ConnectionRegistry registry, Replies replies, TokenExpiry tokenExpiry,
            GatewayProperties.Limits limits, ConnectionEvents events) {
        this.registry = registry;
        this.replies = replies;
        this.tokenExpiry = tokenExpiry;
        this.limits = limits;
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
        // A timer beside the inbound side, not a timeout on it: cancelling a socket's receive makes Reactor Netty
        // close with an empty status before our 4000 could go out.
        Mono.delay(limits.firstFrameTimeout()).subscribe(tick -> {
            if (!connection.hasSentFrames()) {
                connection.close(CloseCode.TIMEOUT);
            }
        });
    }
}
