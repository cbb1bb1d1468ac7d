package dev.signalgate.gateway.api;

import java.util.Collection;
import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.observability.AuditLog;
import dev.signalgate.protocol.CloseCode;
import dev.signalgate.protocol.FrameLimits;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/users/{userId}/disconnect}: closes every connection of that user on this node with 1008
 * (policy violation: clients do not reconnect on their own), for a revoked account or a leaked token. Answers 200
 * {@code {"disconnected":<connections closed>}}; 0 when the user has none here. Service token required
 * (401/403). Each call is written to the audit log, with who asked.
 *
 * <p>Tokens stay valid until they expire: pair this with short token lifetimes, or refuse the user upstream.
 */
public final class AdminHandler {

    private final ApiAuth auth;
    private final ConnectionRegistry connections;
    private final AuditLog audit;

    public AdminHandler(ApiAuth auth, ConnectionRegistry connections, AuditLog audit) {
        this.auth = auth;
        this.connections = connections;
        this.audit = audit;
    }

    public Mono<ServerResponse> disconnect(ServerRequest request) {
        String userId = request.pathVariable("userId");
        return auth.service(request)
                .map(principal -> {
                    if (userId.isEmpty() || userId.length() > FrameLimits.MAX_USER_ID_LENGTH) {
                        throw ApiException.badRequest("userId: expected 1 to " + FrameLimits.MAX_USER_ID_LENGTH
                                + " characters, got " + userId.length());
                    }
                    Collection<Connection> closing = connections.ofUser(userId);
                    closing.forEach(connection -> connection.close(CloseCode.POLICY_VIOLATION));
                    audit.userDisconnected(principal, userId, closing.size());
                    return closing.size();
                })
                .flatMap(count -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("disconnected", count)))
                .onErrorResume(ApiException.class, ApiException::toResponse);
    }
}
