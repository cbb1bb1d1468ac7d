package dev.signalgate.gateway.auth;

/**
 * Told of every upgrade refused before a WebSocket opened. Declared here so that authentication never depends on
 * who counts the refusals; {@code observability.GatewayEvents} implements it.
 */
@FunctionalInterface
public interface HandshakeRefusals {

    /** Counts nothing: for unit tests and tools. */
    HandshakeRefusals NONE = status -> {
    };

    /** An upgrade was answered with {@code status}: 401, 403 or 503. */
    void handshakeRefused(int status);
}
