package dev.signalgate.gateway.auth;

import java.util.List;
import java.util.Set;

/**
 * Which browser origins may open a WebSocket: an exact, case-sensitive match against the configured list (no
 * substring, suffix or look-alike matching). Requests without an {@code Origin} header come from non-browser
 * clients and are not subject to it.
 *
 * <p>With no list configured every origin is allowed. Tokens travel in a header or the query string, never in
 * cookies, so a foreign page cannot ride on a user's session (cross-site WebSocket hijacking needs ambient
 * credentials); the list is still worth setting in production, and the gateway says so at start-up.
 */
public final class OriginPolicy {

    private final Set<String> allowed;

    public OriginPolicy(List<String> allowedOrigins) {
        this.allowed = allowedOrigins == null ? Set.of() : Set.copyOf(allowedOrigins.stream()
                .map(String::trim).filter(origin -> !origin.isEmpty()).toList());
    }

    /** Whether a request carrying this {@code Origin} header (null when absent) may upgrade. */
    public boolean allows(String origin) {
        return origin == null || allowed.isEmpty() || allowed.contains(origin);
    }

    public boolean restricted() {
        return !allowed.isEmpty();
    }

    /** The configured origins; empty when every origin is allowed. */
    public Set<String> origins() {
        return allowed;
    }
}
