package dev.signalgate.gateway.dispatch;

import dev.signalgate.gateway.auth.RemovedMembers;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.ProtocolException;

/**
 * Limits that apply to a connection whatever the handler: how many chat rooms and calls it may be in at once. A
 * join past the limit is refused with {@code forbidden}; joining a room the connection is already in is always
 * allowed. A join of a room its user was removed from is refused with {@code forbidden} while the token predates
 * the removal ({@link RemovedMembers}).
 */
public final class ConnectionPolicy {

    private final int maxRoomsPerConnection;
    private final RemovedMembers removed;

    public ConnectionPolicy(int maxRoomsPerConnection, RemovedMembers removed) {
        this.maxRoomsPerConnection = maxRoomsPerConnection;
        this.removed = removed;
    }

    /** Refuses the frame if it would take the connection past a limit. */
    public void check(Connection connection, Envelope frame) {
        EventType type = frame.eventType();
        boolean newChatRoom = type == EventType.CHAT_JOIN_ROOM && !connection.rooms().contains(frame.room());
        boolean newCall = type == EventType.WEBRTC_JOIN_ROOM && !connection.calls().contains(frame.room());
        if ((type == EventType.CHAT_JOIN_ROOM || type == EventType.WEBRTC_JOIN_ROOM)
                && removed.refuses(connection.principal(), frame.room())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "user \"" + connection.userId()
                    + "\" was removed from room \"" + frame.room()
                    + "\"; only a token issued after the removal may join it again", frame.id());
        }
        if ((newChatRoom || newCall)
                && connection.rooms().size() + connection.calls().size() >= maxRoomsPerConnection) {
            throw new ProtocolException(ErrorCode.FORBIDDEN, "a connection may be in at most "
                    + maxRoomsPerConnection + " rooms and calls; leave one first", frame.id());
        }
    }
}
