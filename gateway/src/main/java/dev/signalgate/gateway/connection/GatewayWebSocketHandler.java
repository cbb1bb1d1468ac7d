package dev.signalgate.gateway.connection;

import java.util.List;
import java.util.Optional;

import io.netty.handler.codec.TooLongFrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketMessage;
import org.springframework.web.reactive.socket.WebSocketSession;

import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.gateway.dispatch.DisconnectListener;
import dev.signalgate.gateway.dispatch.Dispatcher;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.observe.GatewayEvents;
import dev.signalgate.protocol.CloseCode;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.EventType;
import reactor.core.publisher.Mono;

/**
 * The {@code /ws} endpoint: one long-lived inbound and one long-lived outbound stream per connection.
 *
 * <p>Inbound frames are decoded and dispatched one after the other ({@code concatMap}), which keeps each
 * connection's frames in order. Outbound, the socket's single {@code send} drains the connection's
 * {@link Outbox}; Reactor Netty coalesces flushes per drained batch, so nothing here flushes per frame.
 *
 * <p>Lifecycle: the client closing (or the network dropping) ends the inbound side, which leaves every room and
 * call and completes the outbox, which ends the outbound side. The gateway closing a connection goes through
 * {@link Connection#close}: {@code 1001} (shutdown) first drains what is queued, every other code closes at once.
 */
public final class GatewayWebSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayWebSocketHandler.class);

    private final Dispatcher dispatcher;
    private final Replies replies;
    private final ConnectionRegistry registry;
    private final List<DisconnectListener> disconnectListeners;
    private final SocketCloser closer;
    private final GatewayProperties.Outbound outboundSettings;
    private final GatewayEvents events;

    public GatewayWebSocketHandler(Dispatcher dispatcher, Replies replies, ConnectionRegistry registry,
            List<DisconnectListener> disconnectListeners, SocketCloser closer,
            GatewayProperties.Outbound outboundSettings, GatewayEvents events) {
        this.events = events;
        this.dispatcher = dispatcher;
        this.replies = replies;
        this.registry = registry;
        this.disconnectListeners = disconnectListeners;
        this.closer = closer;
        this.outboundSettings = outboundSettings;
    }

    @Override
    public Mono<Void> handle(WebSocketSession session) {
        return session.getHandshakeInfo().getPrincipal()
                .map(principal -> principal instanceof UserPrincipal user ? Optional.of(user) : Optional.<UserPrincipal>empty())
                .defaultIfEmpty(Optional.empty())
                // No principal is only possible if the handshake filter was bypassed: refuse, never serve anonymously.
                .flatMap(principal -> principal.isPresent()
                        ? serve(session, principal.get())
                        : session.close(SocketCloser.status(CloseCode.POLICY_VIOLATION)));
    }

    private Mono<Void> serve(WebSocketSession session, UserPrincipal principal) {
        Outbox outbox = new Outbox(outboundSettings.queueCapacity(), outboundSettings.ephemeralThreshold());
        Connection connection = new Connection(ConnectionIds.next(), principal, outbox,
                (closing, code) -> close(session, closing, code), events);
        registry.register(connection);
        events.connectionOpened(connection);
        log.debug("connected: connection={} user={}", connection.id(), connection.userId());
        connection.send(replies.encode(welcome(connection)));

        Mono<Void> outbound = session
                .send(outbox.frames().map(frame ->
                        new WebSocketMessage(WebSocketMessage.Type.TEXT, session.bufferFactory().wrap(frame.json()))))
                .then(Mono.defer(() -> connection.closeCode() == CloseCode.GOING_AWAY
                        ? closer.closeDrained(session, CloseCode.GOING_AWAY)
                        : Mono.empty()));

        Mono<Void> inbound = session.receive()
                .map(InboundFrame::of)
                .concatMap(frame -> {
                    if (frame.text() != null) {
                        return dispatcher.dispatch(connection, frame.text());
                    }
                    if (frame.binary()) {
                        dispatcher.refuseBinary(connection);
                    }
                    return Mono.empty();
                })
                .then()
                .onErrorResume(failure -> {
                    log.debug("inbound ended with {}: connection={}", failure.toString(), connection.id());
                    if (isTooLong(failure)) {
                        // A fragmented message over the limit: Netty's aggregator only raises, it does not close.
                        connection.close(CloseCode.TOO_BIG);
                    }
                    return Mono.empty();
                })
                .doFinally(signal -> release(connection));

        return Mono.when(inbound, outbound).onErrorResume(failure -> Mono.empty());
    }

    private static boolean isTooLong(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof TooLongFrameException) {
                return true;
            }
        }
        return false;
    }

    private void close(WebSocketSession session, Connection connection, CloseCode code) {
        log.info("closing: connection={} user={} code={}", connection.id(), connection.userId(), code.code());
        connection.outbox().complete();
        if (code == CloseCode.GOING_AWAY) {
            closer.cutLater(session);
        } else {
            closer.closeNow(session, code);
        }
    }

    private void release(Connection connection) {
        registry.unregister(connection);
        for (DisconnectListener listener : disconnectListeners) {
            try {
                listener.disconnected(connection);
            } catch (RuntimeException e) {
                log.error("disconnect listener failed: connection={}", connection.id(), e);
            }
        }
        connection.outbox().complete();
        events.connectionClosed(connection);
        log.debug("disconnected: connection={} user={}", connection.id(), connection.userId());
    }

    private static Envelope welcome(Connection connection) {
        var data = Replies.object();
        data.put("userId", connection.userId());
        data.put("connectionId", connection.id());
        data.put("protocolVersion", 1);
        return new Envelope(EventType.WELCOME.wireName(), null, null, null, null, null, data);
    }

    /** A received frame reduced to what the dispatcher needs, read before the frame's buffer is released. */
    private record InboundFrame(String text, boolean binary) {

        static InboundFrame of(WebSocketMessage message) {
            return switch (message.getType()) {
                case TEXT -> new InboundFrame(message.getPayloadAsText(), false);
                case BINARY -> new InboundFrame(null, true);
                default -> new InboundFrame(null, false);
            };
        }
    }
}
