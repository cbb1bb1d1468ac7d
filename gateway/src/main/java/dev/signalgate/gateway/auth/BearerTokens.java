package dev.signalgate.gateway.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;

/** Finds the bearer token of a request: the {@code Authorization} header first, then {@code access_token}. */
public final class BearerTokens {

    private static final String PREFIX = "bearer ";
    private static final String QUERY_PARAMETER = "access_token";

    private BearerTokens() {
    }

    /** The token, or null when the request carries none. */
    public static String fromRequest(ServerHttpRequest request) {
        String header = fromHeader(request);
        if (header != null) {
            return header;
        }
        String query = request.getQueryParams().getFirst(QUERY_PARAMETER);
        return query == null || query.isEmpty() ? null : query;
    }

    /**
     * The {@code access_token} parameter of a raw query string (null when there is none), decoded as Spring decodes
     * query parameters ({@code +} is a space; a malformed escape leaves the value as it came); null when absent or
     * empty.
     */
    public static String fromQuery(String rawQuery) {
        if (rawQuery == null) {
            return null;
        }
        for (String parameter : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            String name = decode(equals < 0 ? parameter : parameter.substring(0, equals));
            if (QUERY_PARAMETER.equals(name)) {
                String token = equals < 0 ? "" : decode(parameter.substring(equals + 1));
                return token.isEmpty() ? null : token;
            }
        }
        return null;
    }

    private static String decode(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return raw;
        }
    }

    /** The token of an {@code Authorization} header only (HTTP APIs do not take query tokens), or null. */
    public static String fromHeader(ServerHttpRequest request) {
        return fromAuthorization(request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
    }

    /** The token of an {@code Authorization} header's value (null when absent), or null. */
    public static String fromAuthorization(String header) {
        if (header != null && header.length() > PREFIX.length()
                && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return header.substring(PREFIX.length()).trim();
        }
        return null;
    }
}
