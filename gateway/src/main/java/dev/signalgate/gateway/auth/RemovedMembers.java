package dev.signalgate.gateway.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;


/**
 * The users a backend removed from rooms, and when, so that a removed user cannot walk straight back in with the
 * token it already holds: a join is refused while the connection's token was issued at or before the removal (a
 * token without {@code iat} counts as issued before). A token issued after the removal, which the backend only
 * mints if the user is welcome again, joins as usual. Each removal is forgotten after {@code remember}.
 *
 * <p>In memory on each node; in cluster mode every node records the removals it is told of.
 */
public final class RemovedMembers {

    private final Map<Key, Instant> removedAt = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration remember;

    public RemovedMembers(Clock clock, Duration remember) {
        this.clock = clock;
        this.remember = remember;
    }

    /** Notes that {@code user} was removed from {@code room} at {@code at}. */
    public void record(String room, String user, Instant at) {
        removedAt.merge(new Key(room, user), at, (old, now) -> now.isAfter(old) ? now : old);
        forgetOld();
    }

    /** Whether the principal's token predates its user's removal from the room. */
    public boolean refuses(UserPrincipal principal, String room) {
        if (removedAt.isEmpty()) {
            return false;
        }
        Instant removed = removedAt.get(new Key(room, principal.userId()));
        if (removed == null || removed.plus(remember).isBefore(clock.instant())) {
            return false;
        }
        return principal.issuedAt() == null || !principal.issuedAt().isAfter(removed);
    }

    private void forgetOld() {
        Instant horizon = clock.instant().minus(remember);
        removedAt.values().removeIf(at -> at.isBefore(horizon));
    }

    private record Key(String room, String user) {
    }
}
