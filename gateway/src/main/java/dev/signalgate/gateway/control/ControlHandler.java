package dev.signalgate.gateway.control;

import dev.signalgate.gateway.auth.KeysUnavailableException;
import dev.signalgate.gateway.auth.TokenRefusedException;
import dev.signalgate.gateway.auth.TokenVerifier;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.TokenExpiry;
import dev.signalgate.gateway.dispatch.EventHandler;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.Namespace;
import dev.signalgate.protocol.Payloads;
import dev.signalgate.protocol.ProtocolException;
import reactor.core.publisher.Mono;

/**
 * Connection-level control frames. {@code auth:refresh} {@code {"token"}} replaces the connection's token before
 * it expires: the new token is verified like one at the upgrade and must name the same user ({@code sub}); its
 * {@code rooms} claim governs later joins, and takes effect at once: every chat room and call the new claim no
 * longer covers is left as {@code chat:leave_room} / {@code webrtc:leave_room} would, and the client gets
 * {@code auth:rooms_revoked} {@code {"rooms","reason":"token_narrowed"}} before the ack ({@link AccessRevocation}).
 * The ack carries the new expiry, {@code exp}, in epoch seconds.
 */
public final class ControlHandler implements EventHandler {

    private final TokenVerifier verifier;
    private final Replies replies;
    private final TokenExpiry tokenExpiry;
    private final int maxTokenLength;
    private final AccessRevocation revocation;

    public ControlHandler(TokenVerifier verifier, Replies replies, TokenExpiry tokenExpiry, int maxTokenLength,
            AccessRevocation revocation) {
        this.revocation = revocation;
        this.verifier = verifier;
        this.replies = replies;
        this.tokenExpiry = tokenExpiry;
        this.maxTokenLength = maxTokenLength;
    }

    @Override
    public Namespace namespace() {
        return Namespace.CONTROL;
    }

    @Override
    public Mono<Void> handle(Connection connection, Envelope frame) {
        String token = Payloads.requiredString(frame.data(), "token", maxTokenLength);
        return verifier.verify(token)
                .onErrorMap(TokenRefusedException.class,
                        refused -> new ProtocolException(ErrorCode.FORBIDDEN, "token refused: " + refused.getMessage()))
                // The token is not known to be bad: the connection keeps its current one and may send it again.
                .onErrorMap(KeysUnavailableException.class,
                        unavailable -> new ProtocolException(ErrorCode.UNAVAILABLE, unavailable.getMessage()))
                .doOnNext(principal -> {
                    if (!principal.userId().equals(connection.userId())) {
                        throw new ProtocolException(ErrorCode.FORBIDDEN,
                                "a refreshed token must have the same sub as the connection's");
                    }
                    connection.refreshPrincipal(principal);
                    tokenExpiry.watch(connection);
                    revocation.revoke(connection, principal.rooms()::allows, AccessRevocation.TOKEN_NARROWED);
                    replies.ack(connection, frame, Replies.object().put("exp", principal.expiresAt().getEpochSecond()));
                })
                .then();
    }
}
