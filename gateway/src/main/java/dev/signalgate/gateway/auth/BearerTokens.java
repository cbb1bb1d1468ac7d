package dev.signalgate.gateway.auth;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** Finds the bearer token of a request: the {@code Authorization} header first, then {@code access_token}. */
public final class BearerTokens {

    private static final String PREFIX = "bearer ";

    private BearerTokens() {
    }

    /** The token, or null when the request carries none. */
    public static String fromRequest(ServerHttpRequest request) {
        String header = fromHeader(request);
        if (header != null) {
            return header;
        }
        String query = request.getQueryParams().getFirst("access_token");
        return query == null || query.isEmpty() ? null : query;
    }

    /** The token of an {@code Authorization} header only (HTTP APIs do not take query tokens), or null. */
    public static String fromHeader(ServerHttpRequest request) {
        String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header != null && header.length() > PREFIX.length()
                && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return header.substring(PREFIX.length()).trim();
        }
        return null;
    }
}
