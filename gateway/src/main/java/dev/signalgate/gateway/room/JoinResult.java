package dev.signalgate.gateway.room;

import java.util.List;

/**
 * What joining a room did.
 *
 * @param status whether the connection joined, was already a member, or found the room full
 * @param firstOfUser whether this made the user present (their first connection in the room)
 * @param userIds the users present after the join, in arrival order, the joining user included unless full
 * @param feed the joining connection's feed from the room (to hold it during a replay), null when full
 */
public record JoinResult(Status status, boolean firstOfUser, List<String> userIds, MemberFeed feed) {

    public enum Status {
        JOINED, ALREADY_MEMBER, FULL
    }

    public boolean joined() {
        return status != Status.FULL;
    }
}
