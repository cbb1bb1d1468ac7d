package dev.signalgate.gateway.api;

import java.util.Map;

import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.signalgate.gateway.control.MemberRemoval;
import dev.signalgate.gateway.observability.AuditLog;
import dev.signalgate.protocol.FrameLimits;
import dev.signalgate.protocol.ProtocolException;
import dev.signalgate.protocol.RoomIds;
import reactor.core.publisher.Mono;

/**
 * {@code POST /api/rooms/{room}/members/{userId}/remove}: takes the user out of the room and its call on every
 * node ({@link MemberRemoval}). Answers 200 {@code {"removed":<connections that left>}}, 0 when the user was not
 * there. The user's tokens issued until now can no longer join the room; one issued later can.
 *
 * <p>Checks, in order: token (401), role {@code service} (403), room id and user id (400), the token's
 * {@code rooms} claim covers the room (403). Each call is written to the audit log, with who asked.
 */
public final class RemovalHandler {

    private final ApiAuth auth;
    private final MemberRemoval removal;
    private final AuditLog audit;

    public RemovalHandler(ApiAuth auth, MemberRemoval removal, AuditLog audit) {
        this.auth = auth;
        this.removal = removal;
        this.audit = audit;
    }

    public Mono<ServerResponse> remove(ServerRequest request) {
        String room = request.pathVariable("room");
        String userId = request.pathVariable("userId");
        return auth.service(request)
                .flatMap(principal -> {
                    if (!RoomIds.isValid(room)) {
                        return Mono.error(ApiException.badRequest(RoomIds.explain(room)));
                    }
                    if (userId.isEmpty() || userId.length() > FrameLimits.MAX_USER_ID_LENGTH) {
                        return Mono.error(ApiException.badRequest("userId: expected 1 to "
                                + FrameLimits.MAX_USER_ID_LENGTH + " characters, got " + userId.length()));
                    }
                    if (!principal.rooms().allows(room)) {
                        return Mono.error(ApiException.forbidden(
                                "the token's rooms claim does not cover room \"" + room + "\""));
                    }
                    return removal.remove(room, userId)
                            .onErrorMap(ProtocolException.class, failed -> ApiException.unavailable(failed.getMessage()))
                            .doOnNext(count -> audit.userRemoved(principal, room, userId, count));
                })
                .flatMap(count -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("removed", count)))
                .onErrorResume(ApiException.class, ApiException::toResponse);
    }
}
