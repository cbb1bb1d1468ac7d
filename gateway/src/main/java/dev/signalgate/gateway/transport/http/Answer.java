package dev.signalgate.gateway.transport.http;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.signalgate.protocol.CloseCode;
import reactor.core.publisher.Mono;

/**
 * A complete answer of the HTTP transport, before it is written: so that the node owning a session can answer a
 * request another node received, the same way it answers its own.
 *
 * @param status the HTTP status
 * @param body JSON, or empty for none
 * @param retryAfter a {@code Retry-After} value, or null
 */
record Answer(int status, byte[] body, String retryAfter) {

    static Answer json(HttpStatus status, String body) {
        return new Answer(status.value(), body.getBytes(StandardCharsets.UTF_8), null);
    }

    static Answer json(HttpStatus status, byte[] body) {
        return new Answer(status.value(), body, null);
    }

    /** {@code {"error","message"}}, the upgrade's refusal shape. */
    static Answer error(HttpStatus status, String error, String message) {
        return json(status, "{\"error\":\"" + error + "\",\"message\":\"" + escape(message) + "\"}");
    }

    /** A session closed with {@code code}: {@code {"error":"closed","code","reason","reconnect"}}. */
    static Answer closed(HttpStatus status, CloseCode code) {
        return json(status, "{\"error\":\"closed\"," + HttpSession.closeJson(code).substring(1));
    }

    /**
     * The session ended as asked: 200 with its close, not a 204, whose body-less framing some HTTP/1.1 clients
     * mishandle on a kept-alive connection.
     */
    static Answer ended(CloseCode code) {
        return json(HttpStatus.OK, HttpSession.closeJson(code));
    }

    Answer retryAfter(String seconds) {
        return new Answer(status, body, seconds);
    }

    Mono<Void> write(ServerWebExchange exchange) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.valueOf(status));
        Responses.noStore(response);
        if (retryAfter != null) {
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
        }
        if (body.length == 0) {
            return response.setComplete();
        }
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.toString();
    }
}
