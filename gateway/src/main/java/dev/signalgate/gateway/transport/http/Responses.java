package dev.signalgate.gateway.transport.http;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.signalgate.gateway.auth.HandshakeFilter;
import reactor.core.publisher.Mono;

/** The HTTP transport's JSON answers: never cached, since each one is about one session's present state. */
final class Responses {

    private Responses() {
    }

    /** {@code {"error","message"}}, as the upgrade refuses. */
    static Mono<Void> error(ServerWebExchange exchange, HttpStatus status, String error, String message) {
        noStore(exchange.getResponse());
        return HandshakeFilter.writeRefusal(exchange, status, error, message);
    }

    static Mono<Void> json(ServerWebExchange exchange, HttpStatus status, String body) {
        return json(exchange, status, body.getBytes(StandardCharsets.UTF_8));
    }

    static Mono<Void> json(ServerWebExchange exchange, HttpStatus status, byte[] body) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        noStore(response);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    static void noStore(ServerHttpResponse response) {
        response.getHeaders().set(HttpHeaders.CACHE_CONTROL, "no-store");
    }
}
