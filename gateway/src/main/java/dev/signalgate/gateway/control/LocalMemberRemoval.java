package dev.signalgate.gateway.control;

import java.time.Clock;
import java.time.Instant;

import dev.signalgate.gateway.auth.RemovedMembers;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import reactor.core.publisher.Mono;

/** {@link MemberRemoval} on this node alone: a single gateway, or one node's share of a cluster-wide removal. */
public final class LocalMemberRemoval implements MemberRemoval {

    private final ConnectionRegistry connections;
    private final AccessRevocation revocation;
    private final RemovedMembers removed;
    private final Clock clock;

    public LocalMemberRemoval(ConnectionRegistry connections, AccessRevocation revocation, RemovedMembers removed,
            Clock clock) {
        this.connections = connections;
        this.revocation = revocation;
        this.removed = removed;
        this.clock = clock;
    }

    @Override
    public Mono<Integer> remove(String room, String userId) {
        return Mono.fromSupplier(() -> removeHere(room, userId, clock.instant()));
    }

    /** Records the removal made at {@code at} and applies it to the user's connections on this node. */
    public int removeHere(String room, String userId, Instant at) {
        removed.record(room, userId, at);
        int count = 0;
        for (Connection connection : connections.ofUser(userId)) {
            if (!revocation.revoke(connection, other -> !other.equals(room), AccessRevocation.REMOVED).isEmpty()) {
                count++;
            }
        }
        return count;
    }
}
