package dev.signalgate.gateway.api;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The gateway's HTTP API over loopback, with the JDK's client, for tests. */
public final class ApiClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port;

    public ApiClient(int port) {
        this.port = port;
    }

    /** A service token whose rooms claim has the given patterns. */
    public static String serviceToken(String sub, String... rooms) {
        return Tokens.forUser(sub, "service", List.of(rooms));
    }

    /** {@code POST /api/rooms/{room}/events} with a raw body; {@code token} null sends no Authorization. */
    public Answer publish(String token, String room, String body) {
        return postJson(token, "/api/rooms/" + room + "/events", body);
    }

    /** {@code POST /api/rooms/{room}/events} with an {@code Idempotency-Key} header. */
    public Answer publish(String token, String room, String body, String idempotencyKey) {
        return send(jsonPost(token, "/api/rooms/" + room + "/events", body).header("Idempotency-Key", idempotencyKey));
    }

    /** A POST with a JSON body to any path (and query). */
    public Answer postJson(String token, String path, String body) {
        return send(jsonPost(token, path, body));
    }

    public Answer get(String token, String path) {
        return send(request(path, token).GET());
    }

    public Answer post(String token, String path) {
        return send(request(path, token).POST(HttpRequest.BodyPublishers.noBody()));
    }

    private HttpRequest.Builder jsonPost(String token, String path, String body) {
        return request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(15));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private static Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A response: status, raw body, and the body as JSON. */
    public record Answer(int status, String body, HttpResponse<String> response) {

        public JsonNode json() {
            return JSON.readTree(body);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
