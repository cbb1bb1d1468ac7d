package dev.signalgate.gateway.observability;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.warmup.WarmUpRooms;

/**
 * The audit trail for healthcare deployments, on the logger {@value #LOGGER}: who (user id and role) entered or
 * left which room or call, through which connection, and when (the log event's timestamp); when a call started
 * (it got its second user) and ended (its last user left); and which service disconnected which user.
 *
 * <p>One INFO line per event. The message reads on its own
 * ({@code call.started room=consult-42 user=bob role=patient connection=c-9 users=2}); the same facts travel as
 * key-value pairs ({@code event.action}, {@code user.id}, {@code user.role}, {@code room}, {@code connection.id}),
 * which the structured formats ({@code ecs}, {@code logstash}) write as JSON fields. Never a message body, an SDP,
 * a candidate or a token: the observer events carry none of them.
 *
 * <p>The warm-up's synthetic rooms ({@link WarmUpRooms}) are left out: nobody's data is in them.
 *
 * <p>Route it to its own file with {@code gateway.audit.file} ({@link AuditFile}), or with the logger name in
 * your own logback configuration; turn it off with {@code gateway.audit.enabled=false}.
 */
public final class AuditLog implements GatewayObserver {

    /** The logger the audit trail is written to. */
    public static final String LOGGER = "signalgate.audit";

    private static final Logger audit = LoggerFactory.getLogger(LOGGER);
    private static final String CALL = "call";

    private final Hub calls;
    private final boolean enabled;
    /** Calls that have had two users at once and not yet emptied: for exactly one started and one ended each. */
    private final Set<String> liveCalls = ConcurrentHashMap.newKeySet();

    public AuditLog(Hub calls, boolean enabled) {
        this.calls = calls;
        this.enabled = enabled;
    }

    @Override
    public void joined(Connection connection, String kind, String room, boolean firstOfUser) {
        if (!enabled || WarmUpRooms.owns(room)) {
            return;
        }
        record(kind + ".joined", connection, room, -1);
        if (CALL.equals(kind) && firstOfUser) {
            int users = calls.userIds(room).size();
            if (users >= 2 && liveCalls.add(room)) {
                record("call.started", connection, room, users);
            }
        }
    }

    @Override
    public void left(Connection connection, String kind, String room, boolean lastOfUser) {
        if (!enabled || WarmUpRooms.owns(room)) {
            return;
        }
        record(kind + ".left", connection, room, -1);
        if (CALL.equals(kind) && lastOfUser && calls.userIds(room).isEmpty() && liveCalls.remove(room)) {
            record("call.ended", connection, room, 0);
        }
    }

    /** A service closed a user's connections through the admin API. */
    public void userDisconnected(UserPrincipal by, String userId, int connections) {
        if (!enabled) {
            return;
        }
        audit.atInfo()
                .addKeyValue("event.action", "user.disconnected")
                .addKeyValue("user.id", by.userId())
                .addKeyValue("user.role", role(by))
                .addKeyValue("user.target.id", userId)
                .addKeyValue("connections", connections)
                .log("user.disconnected target={} connections={} by={} role={}", userId, connections, by.userId(),
                        role(by));
    }

    /** A service removed a user from a room (and its call) through the API. */
    public void userRemoved(UserPrincipal by, String room, String userId, int connections) {
        if (!enabled) {
            return;
        }
        audit.atInfo()
                .addKeyValue("event.action", "user.removed")
                .addKeyValue("user.id", by.userId())
                .addKeyValue("user.role", role(by))
                .addKeyValue("user.target.id", userId)
                .addKeyValue("room", room)
                .addKeyValue("connections", connections)
                .log("user.removed room={} target={} connections={} by={} role={}", room, userId, connections,
                        by.userId(), role(by));
    }

    private static void record(String action, Connection connection, String room, int users) {
        UserPrincipal principal = connection.principal();
        var line = audit.atInfo()
                .addKeyValue("event.action", action)
                .addKeyValue("user.id", principal.userId())
                .addKeyValue("user.role", role(principal))
                .addKeyValue("room", room)
                .addKeyValue("connection.id", connection.id());
        if (users >= 0) {
            line.addKeyValue("users", users)
                    .log("{} room={} user={} role={} connection={} users={}", action, room, principal.userId(),
                            role(principal), connection.id(), users);
        } else {
            line.log("{} room={} user={} role={} connection={}", action, room, principal.userId(), role(principal),
                    connection.id());
        }
    }

    private static String role(UserPrincipal principal) {
        return principal.role() == null ? "-" : principal.role();
    }
}
