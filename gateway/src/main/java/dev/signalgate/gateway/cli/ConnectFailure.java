package dev.signalgate.gateway.cli;

import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;

/**
 * Says in one line why the {@code client} sub-command could not open its WebSocket. The URL it prints is the one
 * typed, never the one carrying the token.
 */
final class ConnectFailure {

    private static final Duration REASON_TIMEOUT = Duration.ofSeconds(5);

    private ConnectFailure() {
    }

    /**
     * @param uri the address connected to, with the token
     * @param shownUrl the address as the user typed it, without the token
     */
    static String explain(HttpClient http, URI uri, String shownUrl, Throwable failure) {
        Throwable cause = rootOf(failure);
        if (cause instanceof WebSocketHandshakeException refused) {
            int status = refused.getResponse().statusCode();
            String reason = reasonFor(http, uri);
            return "upgrade refused by " + shownUrl + ": HTTP " + status + (reason.isEmpty() ? "" : " " + reason);
        }
        if (cause instanceof ConnectException) {
            return "nothing listening on " + uri.getHost() + ":" + port(uri)
                    + " (is the gateway running? its port is SERVER_PORT, default 8080)";
        }
        return "cannot connect to " + shownUrl + ": " + (cause.getMessage() == null
                ? cause.getClass().getSimpleName() : cause.getMessage());
    }

    /**
     * The gateway's JSON body of a refusal. Java's WebSocket client discards the body of a failed upgrade, and the
     * gateway refuses a plain GET of the same address for the same reason, so the reason is asked for again.
     */
    private static String reasonFor(HttpClient http, URI uri) {
        try {
            URI plain = URI.create(("wss".equals(uri.getScheme()) ? "https" : "http") + "://" + uri.getRawAuthority()
                    + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(plain)
                    .timeout(REASON_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.body().strip();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (Exception e) {
            return "";
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "wss".equals(uri.getScheme()) ? 443 : 80;
    }

    private static Throwable rootOf(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause
                && !(cause instanceof WebSocketHandshakeException) && !(cause instanceof ConnectException)) {
            cause = cause.getCause();
        }
        return cause;
    }
}
