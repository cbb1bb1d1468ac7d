package dev.signalgate.gateway.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerResponse;

import reactor.core.publisher.Mono;

/**
 * A refused API call: an HTTP status, an error code for programs ({@code bad_request}, {@code unauthorized},
 * {@code forbidden}, {@code too_large}, {@code unavailable}, {@code internal}) and a message for people that says
 * what was expected and what came. It travels as an error signal and becomes the body
 * {@code {"error":"…","message":"…"}}. Its message never contains a token or a request body.
 */
public final class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String error;
    private final Duration retryAfter;

    ApiException(HttpStatus status, String error, String message) {
        this(status, error, message, null);
    }

    private ApiException(HttpStatus status, String error, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.retryAfter = retryAfter;
    }

    static ApiException badRequest(String message) {
        return new ApiException(HttpStatus.BAD_REQUEST, "bad_request", message);
    }

    static ApiException unauthorized(String message) {
        return new ApiException(HttpStatus.UNAUTHORIZED, "unauthorized", message);
    }

    static ApiException forbidden(String message) {
        return new ApiException(HttpStatus.FORBIDDEN, "forbidden", message);
    }

    static ApiException tooLarge(String message) {
        return new ApiException(HttpStatus.CONTENT_TOO_LARGE, "too_large", message);
    }

    static ApiException unavailable(String message) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", message);
    }

    /** 503 with a {@code Retry-After} header of {@code retryAfter}, in whole seconds. */
    static ApiException unavailable(String message, Duration retryAfter) {
        return new ApiException(HttpStatus.SERVICE_UNAVAILABLE, "unavailable", message, retryAfter);
    }

    static ApiException internal(String message) {
        return new ApiException(HttpStatus.INTERNAL_SERVER_ERROR, "internal", message);
    }

    public HttpStatus status() {
        return status;
    }

    public String error() {
        return error;
    }

    /** The JSON answer, with the {@code WWW-Authenticate} challenge of RFC 6750 on 401 and 403. */
    Mono<ServerResponse> toResponse() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("message", getMessage());
        ServerResponse.BodyBuilder response = ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON);
        if (status == HttpStatus.UNAUTHORIZED) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
        } else if (status == HttpStatus.FORBIDDEN) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"insufficient_scope\"");
        }
        if (retryAfter != null) {
            response.header(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter.toSeconds()));
        }
        return response.bodyValue(body);
    }
}
