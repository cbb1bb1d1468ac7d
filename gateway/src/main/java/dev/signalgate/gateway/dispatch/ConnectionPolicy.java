package dev.signalgate.gateway.dispatch;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.ProtocolException;

/**
 * Limits that apply to a connection whatever the handler: how many chat rooms and calls it may be in at once. A
 * join past the limit is refused with {@code forbidden}; joining a room the connection is already in is always
 * allowed.
 */
public final class ConnectionPolicy {

    private final int maxRoomsPerConnection;

    public ConnectionPolicy(int maxRoomsPerConnection) {
        this.maxRoomsPerConnection = maxRoomsPerConnection;
    }

    /** Refuses the frame if it would take the connection past a limit. */
    public void check(Connection connection, Envelope frame) {
        EventType type = frame.eventType();
        boolean newChatRoom = type == EventType.CHAT_JOIN_ROOM && !connection.rooms().contains(frame.room());
        boolean newCall = type == EventType.WEBRTC_JOIN_ROOM && !connection.calls().contains(frame.room());
        if ((newChatRoom || newCall)
                && connection.rooms().size() + connection.calls().size() >= maxRoomsPerConnection) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "a connection may be in at most "
                    + maxRoomsPerConnection + " rooms and calls; leave one first", frame.id());
        }
    }
}
