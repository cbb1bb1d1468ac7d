package dev.signalgate.gateway.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.signalgate.gateway.auth.BearerTokens;
import dev.signalgate.gateway.auth.KeysUnavailableException;
import dev.signalgate.gateway.auth.TokenRefusedException;
import dev.signalgate.gateway.auth.TokenVerifier;
import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.protocol.Payloads;
import reactor.core.publisher.Mono;

/**
 * Who may call the API: a token in the {@code Authorization: Bearer} header (never the query string: URLs end up
 * in proxy logs), verified by the same {@link TokenVerifier} as WebSocket upgrades, with role {@code service}.
 * No valid token is 401, another role is 403, a token whose signing key cannot be fetched now (JWKS outage) is 503
 * with {@code Retry-After}. Whether the token's {@code rooms} claim covers a room is each
 * endpoint's own check.
 */
public final class ApiAuth {

    private static final Logger log = LoggerFactory.getLogger(ApiAuth.class);

    private final TokenVerifier verifier;

    public ApiAuth(TokenVerifier verifier) {
        this.verifier = verifier;
    }

    /** The caller, or an {@link ApiException} (401 or 403) as the error signal. */
    public Mono<UserPrincipal> service(ServerRequest request) {
        String token = BearerTokens.fromHeader(request.exchange().getRequest());
        if (token == null) {
            return Mono.error(refused(ApiException.unauthorized(
                    "no token: expected the header Authorization: Bearer <jwt>"), request));
        }
        return verifier.verify(token)
                .onErrorMap(TokenRefusedException.class, refused -> refused(
                        ApiException.unauthorized("token refused: " + refused.getMessage()), request))
                .onErrorMap(KeysUnavailableException.class, unavailable -> refused(
                        ApiException.unavailable(unavailable.getMessage(), unavailable.retryAfter()), request))
                .onErrorMap(failure -> !(failure instanceof ApiException), failure -> {
                    log.warn("api token verification failed: {}", failure.toString());
                    return ApiException.unavailable("the token could not be verified now; retry later");
                })
                .flatMap(principal -> principal.isService()
                        ? Mono.just(principal)
                        : Mono.error(refused(ApiException.forbidden("expected a token with role \""
                                + UserPrincipal.SERVICE_ROLE + "\", got "
                                + (principal.role() == null ? "no role" : "role \"" + Payloads.truncate(principal.role())
                                        + "\"")), request)));
    }

    private static ApiException refused(ApiException refusal, ServerRequest request) {
        log.atInfo()
                .addKeyValue("http.status", refusal.status().value())
                .addKeyValue("url.path", request.path())
                .log("api refused: {} {} {}: {}", request.method(), request.path(), refusal.status().value(),
                        refusal.getMessage());
        return refusal;
    }
}
