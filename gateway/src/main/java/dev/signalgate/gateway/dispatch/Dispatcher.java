package dev.signalgate.gateway.dispatch;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.observability.GatewayEvents;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.FrameCodec;
import dev.signalgate.protocol.Namespace;
import dev.signalgate.protocol.ProtocolException;
import reactor.core.publisher.Mono;

/**
 * Decodes each client frame once, at the edge, and routes it by type prefix to its {@link EventHandler}.
 *
 * <p>Handlers do everything that ordering depends on (membership, relays, acks of relays) synchronously, when
 * their {@code Mono} is subscribed; only store and key look-ups continue asynchronously. The dispatcher
 * subscribes each handler at once and lets that tail run on its own, so that a slow store never holds up a
 * connection's next frames (a WebRTC signal behind a history query, say), while the frames' synchronous effects
 * still happen in arrival order.
 *
 * <p>Every frame ends in exactly one of: the handler's own answer, or one error frame. A frame that cannot be
 * decoded gets {@code bad_request} and the connection stays open; an unexpected failure inside a handler gets
 * {@code internal} and is logged with the connection and type, never with the frame's content.
 */
public final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final FrameCodec codec;
    private final Replies replies;
    private final Map<Namespace, EventHandler> handlers = new EnumMap<>(Namespace.class);
    private final GatewayEvents events;
    private final ConnectionPolicy policy;

    public Dispatcher(FrameCodec codec, Replies replies, List<EventHandler> handlers, ConnectionPolicy policy,
            GatewayEvents events) {
        this.policy = policy;
        this.codec = codec;
        this.replies = replies;
        this.events = events;
        for (EventHandler handler : handlers) {
            if (this.handlers.put(handler.namespace(), handler) != null) {
                throw new IllegalStateException("two handlers for namespace " + handler.namespace());
            }
        }
    }

    /** Handles one text frame; completes when the connection's next frame may be handled. */
    public Mono<Void> dispatch(Connection connection, String text) {
        handle(connection, text).subscribe();
        return Mono.empty();
    }

    private Mono<Void> handle(Connection connection, String text) {
        Envelope frame;
        try {
            frame = codec.decode(text);
        } catch (ProtocolException refused) {
            events.frameReceived(connection, null);
            refuse(connection, null, refused);
            return Mono.empty();
        }
        events.frameReceived(connection, frame.type());
        EventHandler handler = handlers.get(frame.eventType().namespace());
        if (handler == null) {
            refuse(connection, frame.type(), new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    "type \"" + frame.type() + "\" is not served by this gateway", frame.id()));
            return Mono.empty();
        }
        return Mono.defer(() -> {
                    policy.check(connection, frame);
                    return handler.handle(connection, frame);
                })
                .onErrorResume(failure -> {
                    refuse(connection, frame.type(), asProtocolError(connection, frame, failure));
                    return Mono.empty();
                });
    }

    /** Answers a binary frame, which the protocol does not use. */
    public void refuseBinary(Connection connection) {
        events.frameReceived(connection, null);
        refuse(connection, null, new ProtocolException(ErrorCode.BAD_REQUEST,
                "expected a text frame carrying JSON, got a binary frame"));
    }

    /**
     * Answers a frame over the connection's rate with {@code rate_limited}, carrying the frame's id when it has a
     * readable one, so a client can tell which request to send again later.
     */
    public void refuseRateLimited(Connection connection, String text) {
        String id = null;
        String type = null;
        if (text != null) {
            try {
                Envelope frame = codec.decode(text);
                id = frame.id();
                type = frame.type();
            } catch (ProtocolException unreadable) {
                id = unreadable.correlationId();
            }
        }
        refuse(connection, type, new ProtocolException(ErrorCode.RATE_LIMITED,
                "too many frames: slow down and send this again later", id));
    }

    private void refuse(Connection connection, String type, ProtocolException error) {
        events.frameRefused(connection, type, error.code());
        replies.error(connection, error);
    }

    private static ProtocolException asProtocolError(Connection connection, Envelope frame, Throwable failure) {
        if (failure instanceof ProtocolException refused) {
            return refused.correlationId() == null ? refused.withCorrelationId(frame.id()) : refused;
        }
        log.error("handler failed: connection={} user={} type={}", connection.id(), connection.userId(),
                frame.type(), failure);
        return new ProtocolException(ErrorCode.INTERNAL, "the gateway failed to handle this frame", frame.id());
    }
}
