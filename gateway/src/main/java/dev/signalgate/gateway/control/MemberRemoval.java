package dev.signalgate.gateway.control;

import reactor.core.publisher.Mono;

/**
 * Takes a user out of a room and its call: every connection of the user leaves both, as an explicit leave would,
 * and gets {@code auth:rooms_revoked} with reason {@code removed}; the user's tokens issued until then no longer
 * join the room ({@code RemovedMembers}).
 */
public interface MemberRemoval {

    /** Removes the user; answers how many connections were in the room or its call and left them. */
    Mono<Integer> remove(String room, String userId);
}
