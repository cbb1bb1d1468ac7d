package dev.signalgate.gateway.auth;

import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

import dev.signalgate.protocol.Payloads;
import reactor.core.publisher.Mono;

/**
 * Guards the {@code /ws} upgrade: refused origins get 403, missing or invalid tokens get 401, and while the
 * gateway drains for shutdown new upgrades get 503, all before any WebSocket is opened. A token whose signing key
 * cannot be fetched (the JWKS URI is down and the key is not cached) gets 503 with {@code Retry-After}: the
 * token is not known to be bad, so the client should try again, not drop its session. An accepted token's
 * {@link UserPrincipal} becomes the exchange's principal, which the WebSocket session sees in its
 * {@code HandshakeInfo}.
 *
 * <p>The token comes from {@code Authorization: Bearer …}, or from the {@code access_token} query parameter
 * because browsers cannot set headers on a WebSocket. Neither the token nor the query string is ever logged.
 *
 * <p>Well-formed upgrades meet these checks through {@link #admit(String, String, boolean, Refusal)} in the
 * gateway's route ahead of WebFlux ({@code config.WebSocketRoute}); as a filter it applies them to every other
 * request for {@code /ws}, and the HTTP transport to its own requests.
 */
public final class HandshakeFilter implements WebFilter, Ordered {

    public static final String WS_PATH = "/ws";
    /** The {@code WWW-Authenticate} header of a 401. */
    public static final String INVALID_TOKEN_CHALLENGE = "Bearer error=\"invalid_token\"";

    private static final Logger log = LoggerFactory.getLogger(HandshakeFilter.class);

    private final TokenVerifier verifier;
    private final OriginPolicy origins;
    private final HandshakeRefusals refusals;
    private volatile boolean accepting = true;

    public HandshakeFilter(TokenVerifier verifier, OriginPolicy origins, HandshakeRefusals refusals) {
        this.verifier = verifier;
        this.origins = origins;
        this.refusals = refusals;
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    /** Refuses every later upgrade with 503: the gateway is shutting down. */
    public void stopAccepting() {
        accepting = false;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!WS_PATH.equals(request.getPath().pathWithinApplication().value())) {
            return chain.filter(exchange);
        }
        return admit(exchange, BearerTokens.fromRequest(request), true)
                .flatMap(principal -> chain.filter(exchange.mutate().principal(Mono.just(principal)).build()));
    }

    /**
     * The upgrade's checks, for every transport: the origin, then the token. Answers the principal, or writes
     * the refusal (the same statuses and JSON as the upgrade) and completes empty.
     *
     * @param opening whether the request opens a connection: only those are refused while shutting down, so
     *     that open ones can still be drained
     */
    public Mono<UserPrincipal> admit(ServerWebExchange exchange, String token, boolean opening) {
        return admit(exchange.getRequest().getHeaders().getOrigin(), token, opening, (status, error, message,
                retryAfter) -> {
            if (retryAfter != null) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
            }
            return writeRefusal(exchange, status, error, message);
        });
    }

    /**
     * The same checks for a request that is not a Spring exchange (the upgrade served by Reactor Netty directly):
     * {@code refusal} writes the answer of a refused request.
     */
    public Mono<UserPrincipal> admit(String origin, String token, boolean opening, Refusal refusal) {
        if (opening && !accepting) {
            return refuse(refusal, HttpStatus.SERVICE_UNAVAILABLE, "unavailable", "the gateway is shutting down",
                    null);
        }
        if (!origins.allows(origin)) {
            log.info("handshake refused: origin not allowed ({})", Payloads.truncate(origin));
            return refuse(refusal, HttpStatus.FORBIDDEN, "forbidden", "origin not allowed", null);
        }
        if (token == null) {
            return refuse(refusal, HttpStatus.UNAUTHORIZED, "unauthorized", "no token: send Authorization: Bearer"
                    + " <jwt> or the access_token query parameter", null);
        }
        return verifier.verify(token)
                .onErrorResume(TokenRefusedException.class, refused -> {
                    log.info("handshake refused: {}", refused.getMessage());
                    return refuse(refusal, HttpStatus.UNAUTHORIZED, "unauthorized", refused.getMessage(), null);
                })
                .onErrorResume(KeysUnavailableException.class, unavailable -> {
                    log.info("handshake refused: signing keys unavailable, retry after {} s",
                            unavailable.retryAfter().toSeconds());
                    return refuse(refusal, HttpStatus.SERVICE_UNAVAILABLE, "unavailable", unavailable.getMessage(),
                            String.valueOf(unavailable.retryAfter().toSeconds()));
                });
    }

    private Mono<UserPrincipal> refuse(Refusal refusal, HttpStatus status, String error, String message,
            String retryAfter) {
        refusals.handshakeRefused(status.value());
        return refusal.write(status, error, message, retryAfter).then(Mono.empty());
    }

    /** Writes a JSON refusal: {@code {"error","message"}}, with {@code WWW-Authenticate} on 401. */
    public static Mono<Void> writeRefusal(ServerWebExchange exchange, HttpStatus status, String error,
            String message) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, INVALID_TOKEN_CHALLENGE);
        }
        return response.writeWith(Mono.just(response.bufferFactory().wrap(refusalBody(error, message))));
    }

    /** The JSON of a refusal: {@code {"error","message"}}, UTF-8. */
    public static byte[] refusalBody(String error, String message) {
        return ("{\"error\":\"" + error + "\",\"message\":\"" + JsonText.escape(message) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Writes the answer of a refused request. */
    @FunctionalInterface
    public interface Refusal {

        /** @param retryAfter the {@code Retry-After} header's value, or null for none */
        Mono<Void> write(HttpStatus status, String error, String message, String retryAfter);
    }
}
