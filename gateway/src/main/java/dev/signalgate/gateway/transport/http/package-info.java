/**
 * The HTTP fallback transport: the same envelopes as {@code /ws}, for networks whose proxies refuse WebSockets.
 *
 * <p>A session ({@link dev.signalgate.gateway.transport.http.HttpSession}) is a real
 * {@link dev.signalgate.gateway.connection.Connection}: the same dispatcher, rooms, limits and close codes. Its
 * outbox drains into a numbered {@link dev.signalgate.gateway.transport.http.EventBuffer} that a Server-Sent
 * Events stream or a long-poll reads; frames come up as POSTs. protocol/README.md describes the wire.
 */
package dev.signalgate.gateway.transport.http;
