package dev.signalgate.gateway.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.observability.GatewayMetrics;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.room.Room;
import dev.signalgate.persistence.MessageWriter;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/stats?limit=10}: what this node holds right now.
 *
 * <pre>{@code
 * {"connections":120,"transports":{"websocket":118,"http":2},"users":97,"rooms":41,"calls":12,"pendingWrites":0,
 *  "busiestRooms":[{"room":"clinic-7:queue","connections":35,"users":30}, …]}
 * }</pre>
 *
 * The totals are the node's. {@code busiestRooms} lists the chat rooms with the most connections, at most
 * {@code limit} (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}), and only rooms that the token's
 * {@code rooms} claim covers: a token with {@code "rooms":["*"]} sees them all. Service token required (401/403).
 */
public final class StatsHandler {

    static final int DEFAULT_LIMIT = 10;
    static final int MAX_LIMIT = 100;

    private final ApiAuth auth;
    private final ConnectionRegistry connections;
    private final Hub chatRooms;
    private final Hub calls;
    private final MessageWriter writer;

    public StatsHandler(ApiAuth auth, ConnectionRegistry connections, Hub chatRooms, Hub calls, MessageWriter writer) {
        this.auth = auth;
        this.connections = connections;
        this.chatRooms = chatRooms;
        this.calls = calls;
        this.writer = writer;
    }

    public Mono<ServerResponse> stats(ServerRequest request) {
        return auth.service(request)
                .map(principal -> snapshot(principal, limit(request)))
                .flatMap(stats -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(stats))
                .onErrorResume(ApiException.class, ApiException::toResponse);
    }

    private Map<String, Object> snapshot(UserPrincipal principal, int limit) {
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("connections", connections.connectionCount());
        Map<String, Integer> transports = new LinkedHashMap<>();
        for (String transport : GatewayMetrics.TRANSPORTS) {
            transports.put(transport, connections.connectionCount(transport));
        }
        stats.put("transports", transports);
        stats.put("users", connections.userCount());
        stats.put("rooms", chatRooms.roomCount());
        stats.put("calls", calls.roomCount());
        stats.put("pendingWrites", writer.pendingCount());
        List<Map<String, Object>> busiest = new ArrayList<>();
        // busiest() sorts every room whatever the limit, so asking for all of them costs nothing more.
        for (Room room : chatRooms.busiest(Integer.MAX_VALUE)) {
            if (busiest.size() == limit) {
                break;
            }
            if (principal.rooms().allows(room.id())) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("room", room.id());
                entry.put("connections", room.connectionCount());
                entry.put("users", room.userIds().size());
                busiest.add(entry);
            }
        }
        stats.put("busiestRooms", busiest);
        return stats;
    }

    private static int limit(ServerRequest request) {
        String text = request.queryParam("limit").orElse(null);
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        throw ApiException.badRequest("limit: expected an integer from 1 to " + MAX_LIMIT + ", got \""
                + (text.length() > 20 ? text.substring(0, 20) + "…" : text) + "\"");
    }
}
