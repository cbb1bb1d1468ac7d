package dev.signalgate.gateway.load;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * What a load run is pointed at and how hard it pushes, read once from system properties ({@code -Dload.…} on the
 * Maven command line; the Gatling plugin hands them to the simulation's JVM).
 *
 * <table>
 * <caption>Properties shared by every simulation</caption>
 * <tr><th>property</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code load.url}</td><td>{@code ws://127.0.0.1:8080/ws}</td><td>the gateway's WebSocket endpoint</td></tr>
 * <tr><td>{@code load.secret}</td><td>{@code GATEWAY_JWT_SECRET}</td><td>HS256 secret: each virtual user mints its
 *     own token</td></tr>
 * <tr><td>{@code load.tokenFile}</td><td>none</td><td>instead of a secret: one token per line, used round-robin;
 *     their {@code rooms} claim must cover {@code load-*}</td></tr>
 * <tr><td>{@code load.users}</td><td>per simulation</td><td>virtual users (one socket each)</td></tr>
 * <tr><td>{@code load.rooms}</td><td>per simulation</td><td>rooms the users are spread over</td></tr>
 * <tr><td>{@code load.ramp}</td><td>per simulation</td><td>seconds over which users arrive</td></tr>
 * <tr><td>{@code load.duration}</td><td>per simulation</td><td>seconds each user stays busy (or idle) after
 *     joining</td></tr>
 * <tr><td>{@code load.maxErrorPercent}</td><td>1</td><td>assertion: failed checks, percent of all</td></tr>
 * <tr><td>{@code load.p95Ms} / {@code load.p99Ms}</td><td>per simulation</td><td>assertion: response time
 *     percentiles of the checked exchanges, milliseconds</td></tr>
 * </table>
 *
 * <p>Every run gets its own {@code runId}, part of every user and room name, so runs against the same gateway
 * never meet each other's rooms, presence or history.
 */
final class LoadSettings {

    /** Rooms every minted token may join, and the prefix of every room the simulations use. */
    static final String ROOM_PREFIX = "load-";

    final URI url;
    final int users;
    final int rooms;
    final Duration ramp;
    final Duration duration;
    final double maxErrorPercent;
    final int p95Ms;
    final int p99Ms;
    final String runId = Long.toString(System.currentTimeMillis(), 36);

    private LoadSettings(int users, int rooms, int rampSeconds, int durationSeconds, int p95Ms, int p99Ms) {
        this.url = URI.create(string("load.url", "ws://127.0.0.1:8080/ws"));
        if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
            throw new IllegalArgumentException("load.url must be a ws:// or wss:// URL, got " + url);
        }
        this.users = integer("load.users", users);
        this.rooms = Math.max(1, Math.min(this.users, integer("load.rooms", rooms)));
        this.ramp = Duration.ofSeconds(integer("load.ramp", rampSeconds));
        this.duration = Duration.ofSeconds(integer("load.duration", durationSeconds));
        this.maxErrorPercent = Double.parseDouble(string("load.maxErrorPercent", "1"));
        this.p95Ms = integer("load.p95Ms", p95Ms);
        this.p99Ms = integer("load.p99Ms", p99Ms);
    }

    /** Settings with a simulation's own defaults, each overridable by its property. */
    static LoadSettings read(int users, int rooms, int rampSeconds, int durationSeconds, int p95Ms, int p99Ms) {
        return new LoadSettings(users, rooms, rampSeconds, durationSeconds, p95Ms, p99Ms);
    }

    /** {@code ws://host:port}, for Gatling's {@code wsBaseUrl}. */
    String baseUrl() {
        return url.getScheme() + "://" + url.getAuthority();
    }

    /** The endpoint's path and query, for {@code ws(…).connect(…)}. */
    String path() {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/ws" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    String room(String kind, int index) {
        return ROOM_PREFIX + kind + "-" + runId + "-" + index;
    }

    String describe() {
        return String.format(Locale.ROOT, "url=%s users=%d rooms=%d ramp=%ds duration=%ds run=%s", url, users, rooms,
                ramp.toSeconds(), duration.toSeconds(), runId);
    }

    static String string(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    static int integer(String name, int fallback) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got \"" + value + "\"", e);
        }
    }
}
