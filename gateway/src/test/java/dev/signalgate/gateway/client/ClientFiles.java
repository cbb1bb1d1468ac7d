package dev.signalgate.gateway.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain HTTP GETs of the gateway's {@code /client/} files, the way a browser's module loader asks for them. */
final class ClientFiles {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ClientFiles() {
    }

    /** GETs {@code path}, with an {@code Origin} header when {@code origin} is not null. */
    static HttpResponse<String> get(int port, String path, String origin) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (origin != null) {
            request.header("Origin", origin);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String header(HttpResponse<?> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }
}
