package dev.signalgate.gateway.control;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.dispatch.RoomRevoker;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.EventType;

/**
 * Takes a connection out of every chat room and call it may no longer be in, as explicit leaves would, and tells
 * it which with one {@code auth:rooms_revoked} {@code {"rooms":[…],"reason"}} frame, so that it stops joining
 * them again on reconnect.
 */
public final class AccessRevocation {

    /** The reason of a refresh whose {@code rooms} claim no longer covers a room. */
    public static final String TOKEN_NARROWED = "token_narrowed";
    /** The reason of a backend's removal of the user from a room. */
    public static final String REMOVED = "removed";

    private final List<RoomRevoker> revokers;
    private final Replies replies;

    public AccessRevocation(List<RoomRevoker> revokers, Replies replies) {
        this.revokers = revokers;
        this.replies = replies;
    }

    /** Leaves the rooms {@code stillAllowed} refuses; answers them (chat rooms and calls, once each). */
    public Set<String> revoke(Connection connection, Predicate<String> stillAllowed, String reason) {
        Set<String> lost = new LinkedHashSet<>();
        for (RoomRevoker revoker : revokers) {
            lost.addAll(revoker.revoke(connection, stillAllowed));
        }
        if (!lost.isEmpty()) {
            var data = Replies.object().put("reason", reason);
            lost.forEach(data.putArray("rooms")::add);
            connection.send(replies.encode(Envelope.event(EventType.AUTH_ROOMS_REVOKED, null, null, data)));
        }
        return lost;
    }
}
