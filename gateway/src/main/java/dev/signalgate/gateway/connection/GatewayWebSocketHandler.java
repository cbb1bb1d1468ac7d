package dev.signalgate.gateway.connection;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.netty.channel.Channel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;
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
import dev.signalgate.protocol.CloseCode;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.EventType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * The {@code /ws} endpoint: one long-lived inbound and one long-lived outbound stream per connection.
 *
 * <p>Inbound frames pass the connection's rate limiter and are decoded and dispatched one after the other, which
 * keeps each connection's frames in order. The next frame waits while the connection's outbox is above its
 * high-water mark ({@link Outbox#roomToReply()}): a client that pipelines requests is slowed by TCP, not closed. The first frame must come within the first-frame deadline. Outbound,
 * the socket's single {@code send} drains the connection's {@link Outbox} (frames already framed, see
 * {@link Frame#wire()}); Reactor Netty coalesces flushes per drained batch, so nothing here flushes per frame. The
 * {@link ConnectionSweep} pings every connection each ping interval, straight on its channel; a ping that the
 * client leaves unanswered (no frame of any kind, pong included, within the ping timeout) closes the connection
 * with 4000, so dead peers leave their rooms and calls and the others are told.
 *
 * <p>Lifecycle: the client closing (or the network dropping) ends the inbound side, which leaves every room and
 * call and completes the outbox, which ends the outbound side. The gateway closing a connection goes through
 * {@link Connection#close}: a healthy connection (shutdown 1001, policy 1008, too many connections 4009) first
 * drains what is queued for it, so the welcome always comes first and nothing confirmed is cut off; a connection
 * that is the problem (slow, silent, abusive, oversized) is closed at once.
 */
public final class GatewayWebSocketHandler implements WebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayWebSocketHandler.class);
    private static final Set<CloseCode> DRAIN_FIRST =
            EnumSet.of(CloseCode.GOING_AWAY, CloseCode.POLICY_VIOLATION, CloseCode.TOO_MANY_CONNECTIONS);

    private final Dispatcher dispatcher;
    private final SocketCloser closer;
    private final GatewayProperties properties;
    private final ConnectionEvents events;
    private final ConnectionLifecycle lifecycle;

    public GatewayWebSocketHandler(Dispatcher dispatcher, Replies replies, ConnectionRegistry registry,
            List<DisconnectListener> disconnectListeners, SocketCloser closer, TokenExpiry tokenExpiry,
            GatewayProperties properties, ConnectionEvents events) {
        this.dispatcher = dispatcher;
        this.closer = closer;
        this.properties = properties;
        this.events = events;
        this.lifecycle = new ConnectionLifecycle(registry, replies, tokenExpiry, properties.limits(),
                disconnectListeners, events);
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
        GatewayProperties.Limits limits = properties.limits();
        GatewayProperties.Outbound outboundSettings = properties.outbound();
        Outbox outbox = new Outbox(outboundSettings.queueCapacity(), outboundSettings.ephemeralThreshold(),
                outboundSettings.maxQueuedBytes().toBytes());
        Connection connection = new Connection(ConnectionIds.next(), principal, outbox,
                (closing, code) -> close(session, closing, code), events);
        connection.rateLimiter(new RateLimiter(limits.ratePerSecond(), limits.rateBurst(), System.nanoTime()));
        Channel channel = closer.channel(session);
        connection.boundUnsentBytes(() -> SocketCloser.unsentBytes(channel),
                outboundSettings.maxUnsentBytes().toBytes());
        if (channel != null) {
            connection.pingOver(channel, System.nanoTime() + properties.liveness().pingInterval().toNanos());
        }
        lifecycle.admit(connection, "websocket");

        Mono<Void> outbound = send(session, channel, outbox.wireFrames())
                .then(Mono.defer(() -> DRAIN_FIRST.contains(connection.closeCode())
                        ? closer.closeDrained(session, connection.closeCode())
                        : Mono.empty()));

        Mono<Void> inbound = session.receive()
                .doOnNext(message -> connection.touch())
                .map(InboundFrame::of)
                .filter(frame -> !frame.control())
                .doOnNext(frame -> connection.markSentFrames())
                // Backpressure on the connection's own answers: no next frame while its outbox is backed up.
                // Straight to receive while there is room: a deferred inner would stay referenced by concatMap
                // after it completed, and with it the connection's last frame, for as long as the client is idle.
                .concatMap(frame -> outbox.hasRoomToReply() ? receive(connection, frame)
                        : outbox.roomToReply().then(Mono.defer(() -> receive(connection, frame))))
                .then()
                .onErrorResume(failure -> {
                    log.debug("inbound ended with {}: connection={}", failure.toString(), connection.id());
                    if (isTooLong(failure)) {
                        // A fragmented message over the limit: Netty's aggregator only raises, it does not close.
                        connection.close(CloseCode.TOO_BIG);
                    }
                    return Mono.empty();
                })
                .doFinally(signal -> lifecycle.release(connection, "websocket"));

        return Mono.when(inbound, outbound).onErrorResume(failure -> Mono.empty());
    }

    /**
     * Straight to Reactor Netty's outbound of the socket, past Spring's per-message wrapping: the frames come
     * framed ({@link Frame#wire()}). A channel already gone has nothing to send to.
     */
    private static Mono<Void> send(WebSocketSession session, @Nullable Channel channel, Flux<?> frames) {
        if (channel != null && ChannelOperations.get(channel) instanceof WebsocketOutbound socket) {
            return socket.sendObject(frames).then();
        }
        log.debug("no open channel behind session {}", session.getId());
        return frames.doOnNext(ReferenceCountUtil::release).then();
    }

    private Mono<Void> receive(Connection connection, InboundFrame frame) {
        switch (connection.rateLimiter().acquire(System.nanoTime())) {
            case LIMITED -> {
                dispatcher.refuseRateLimited(connection, frame.text());
                return Mono.empty();
            }
            case ABUSIVE -> {
                connection.close(CloseCode.RATE_LIMIT_EXCEEDED);
                return Mono.empty();
            }
            case ALLOWED -> {
                // Handled below.
            }
        }
        if (frame.text() == null) {
            dispatcher.refuseBinary(connection);
            return Mono.empty();
        }
        return dispatcher.dispatch(connection, frame.text());
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
        if (DRAIN_FIRST.contains(code)) {
            closer.cutLater(session);
        } else {
            closer.closeNow(session, code);
        }
    }

    /** The contract's first frame of a connection, whatever carries it. */
    public static Envelope welcome(Connection connection) {
        var data = Replies.object();
        data.put("userId", connection.userId());
        data.put("connectionId", connection.id());
        data.put("protocolVersion", 1);
        return new Envelope(EventType.WELCOME.wireName(), null, null, null, null, null, data);
    }

    /**
     * A received frame reduced to what the dispatcher needs, read before the frame's buffer is released: the text
     * of a text frame, null for a binary one; pings and pongs are control frames that only prove liveness.
     */
    private record InboundFrame(String text, boolean control) {

        static InboundFrame of(WebSocketMessage message) {
            return switch (message.getType()) {
                case TEXT -> new InboundFrame(message.getPayloadAsText(), false);
                case BINARY -> new InboundFrame(null, false);
                default -> new InboundFrame(null, true);
            };
        }
    }
}
