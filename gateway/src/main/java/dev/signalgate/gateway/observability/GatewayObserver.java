package dev.signalgate.gateway.observability;

import java.time.Duration;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.protocol.ErrorCode;

/**
 * Told what happens in the gateway: for metrics, the audit log, and anything else that watches without taking
 * part. Declare an implementation as a Spring bean and {@link GatewayEvents} calls it.
 *
 * <p>Most methods run on event-loop threads in the middle of a fan-out: an implementation must be quick, must
 * never block and must never throw (a throw is logged and ignored). It must not log frame contents or tokens.
 */
public interface GatewayObserver {

    /** A WebSocket was accepted and its welcome queued. */
    default void connectionOpened(Connection connection) {
    }

    /** A connection ended; {@link Connection#closeCode()} is null when the client closed it or the network dropped. */
    default void connectionClosed(Connection connection) {
    }

    /** An upgrade was refused before any WebSocket opened: 401, 403 or 503. */
    default void handshakeRefused(int status) {
    }

    /** A client frame arrived; {@code type} is null when it could not be decoded. */
    default void frameReceived(Connection connection, String type) {
    }

    /** A client frame was answered with an error. */
    default void frameRefused(Connection connection, String type, ErrorCode code) {
    }

    /** A frame was queued for a connection. */
    default void frameQueued(Connection connection, Frame frame) {
    }

    /** A frame was not queued for a connection: {@code reason} is "ephemeral" (backed up) or "overflow". */
    default void frameDropped(Connection connection, Frame frame, String reason) {
    }

    /** A connection joined a chat room ({@code kind} "chat") or a call ("call"). */
    default void joined(Connection connection, String kind, String room, boolean firstOfUser) {
    }

    /** A connection left a chat room or a call, by request or by disconnecting. */
    default void left(Connection connection, String kind, String room, boolean lastOfUser) {
    }

    /** A chat message was relayed optimistically, {@code sinceReceived} after its frame arrived. */
    default void messageRelayed(String room, Duration sinceReceived) {
    }

    /** A chat message was stored and its confirmation published, {@code sinceReceived} after it arrived. */
    default void messageConfirmed(String room, Duration sinceReceived) {
    }

    /** A chat message could not be stored. */
    default void messageFailed(String room, ErrorCode code) {
    }
}
