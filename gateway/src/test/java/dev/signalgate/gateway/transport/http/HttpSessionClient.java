package dev.signalgate.gateway.transport.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client of the fallback transport, over loopback: one session, its streams and its POSTs. */
final class HttpSessionClient implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private final int port;
    private final String token;
    private final String id;
    private final List<SseStream> streams = new ArrayList<>();

    private HttpSessionClient(int port, String token, String id) {
        this.port = port;
        this.token = token;
        this.id = id;
    }

    /** Opens a session; fails unless the gateway answers 201. */
    static HttpSessionClient open(int port, String token) {
        HttpResponse<String> opened = openRequest(port, token, Map.of());
        if (opened.statusCode() != 201) {
            throw new AssertionError("expected 201, got " + opened.statusCode() + " " + opened.body());
        }
        return new HttpSessionClient(port, token, JSON.readTree(opened.body()).path("session").asString());
    }

    static HttpResponse<String> openRequest(int port, String token, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(port, ""))
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(SseStream.TIMEOUT);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::header);
        return send(request.build());
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + HttpTransportFilter.PREFIX + path);
    }

    String id() {
        return id;
    }

    /** The same session, its requests sent to the gateway node on {@code otherPort}. */
    HttpSessionClient via(int otherPort) {
        return new HttpSessionClient(otherPort, token, id);
    }

    /** A new event stream from after {@code lastEventId} (0: from the oldest event kept). */
    SseStream stream(long lastEventId) {
        return stream(lastEventId, token);
    }

    SseStream stream(long lastEventId, String withToken) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(port, "/" + id + "/events")).GET();
        if (lastEventId > 0) {
            request.header("Last-Event-ID", Long.toString(lastEventId));
        }
        request.header("Authorization", "Bearer " + withToken);
        try {
            // A client of its own per stream: a stream closed half-read never goes back into a pool that later
            // requests would draw from.
            HttpClient own = newClient();
            HttpResponse<InputStream> response = own.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            SseStream stream = new SseStream(response);
            streams.add(stream);
            return stream;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** POSTs a body to the frames endpoint, with a query string ("" for none). */
    HttpResponse<String> post(String body, String query) {
        return post(body, query, token);
    }

    HttpResponse<String> post(String body, String query, String withToken) {
        return send(HttpRequest.newBuilder(uri(port, "/" + id + "/frames" + query))
                .header("Authorization", "Bearer " + withToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(SseStream.TIMEOUT).build());
    }

    /** POSTs envelopes as a JSON array; fails unless answered 200. */
    JsonNode send(Object... envelopes) {
        HttpResponse<String> answer = post(JSON.writeValueAsString(List.of(envelopes)), "");
        if (answer.statusCode() != 200) {
            throw new AssertionError("expected 200, got " + answer.statusCode() + " " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    HttpResponse<String> poll(long after) {
        return send(HttpRequest.newBuilder(uri(port, "/" + id + "/poll?after=" + after))
                .header("Authorization", "Bearer " + token).GET().timeout(SseStream.TIMEOUT.multipliedBy(4)).build());
    }

    HttpResponse<String> delete(String withToken) {
        return send(HttpRequest.newBuilder(uri(port, "/" + id)).header("Authorization", "Bearer " + withToken)
                .DELETE().timeout(SseStream.TIMEOUT).build());
    }

    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(SseStream.TIMEOUT).build();
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            // A fresh connection per request, as for the streams: the JDK client, reusing a pooled HTTP/1.1
            // connection, now and then waited out a whole request timeout for an answer (once in several runs,
            // never reproduced with a connection of its own), and these tests are about the gateway's answers.
            return newClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        streams.forEach(SseStream::close);
        delete(token);
    }
}
