package dev.signalgate.gateway.dispatch;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.Namespace;
import reactor.core.publisher.Mono;

/**
 * Handles every event of one {@link Namespace}. The {@link Dispatcher} routes a decoded frame by its type prefix
 * to the one handler that owns it, the way a Phoenix topic prefix picks a channel.
 *
 * <p>A handler answers the frame itself (an ack through {@link Replies}) and reports refusals as a
 * {@link dev.signalgate.protocol.ProtocolException}, thrown or as {@code Mono.error}: the dispatcher turns it
 * into the error frame. The returned {@code Mono} completes when the next frame of the same connection may be
 * handled, which keeps each connection's frames in order; work that must not hold the connection up (a database
 * write) continues on its own.
 */
public interface EventHandler {

    Namespace namespace();

    Mono<Void> handle(Connection connection, Envelope frame);
}
