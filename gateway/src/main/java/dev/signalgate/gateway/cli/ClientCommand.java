package dev.signalgate.gateway.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code java -jar gateway.jar client --token <jwt> [--url ws://localhost:8080/ws]}: a minimal interactive
 * WebSocket client for trying the gateway by hand. Each line typed is sent as one text frame; each frame received
 * is printed on its own line; the close code is printed when the gateway closes the connection. A connection that
 * fails says why ({@link ConnectFailure}): the HTTP status and the gateway's JSON reason for a refused upgrade, or
 * that nothing listens on the address.
 */
public final class ClientCommand {

    static final String USAGE = """
            usage: java -jar gateway.jar client --token <jwt> [--url ws://localhost:8080/ws]
              A line-by-line WebSocket client: each line typed is sent as one frame, each frame received
              is printed on its own line. Try {"type":"chat:join_room","id":"1","room":"lobby"}.""";

    private ClientCommand() {
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err) {
        if (Usage.asksForHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        Map<String, String> options;
        try {
            options = Options.parse(args, "--token", "--url");
            if (!options.containsKey("--token")) {
                throw new IllegalArgumentException("--token is required");
            }
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        String url = options.getOrDefault("--url", "ws://localhost:8080/ws");
        URI uri;
        try {
            uri = URI.create(url + (url.contains("?") ? "&" : "?") + "access_token="
                    + URLEncoder.encode(options.get("--token"), StandardCharsets.UTF_8));
            if (uri.getHost() == null || !("ws".equals(uri.getScheme()) || "wss".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("expected ws://host:port/ws or wss://…");
            }
        } catch (IllegalArgumentException e) {
            err.println("--url " + url + ": " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        HttpClient http = HttpClient.newHttpClient();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket;
        try {
            socket = http.newWebSocketBuilder().buildAsync(uri, new Printer(out, closed)).join();
        } catch (RuntimeException e) {
            err.println(ConnectFailure.explain(http, uri, url, e));
            return 1;
        }
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while (!closed.isDone() && (line = lines.readLine()) != null) {
                if (!line.isBlank()) {
                    socket.sendText(line, true).join();
                }
            }
            if (!closed.isDone()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
            }
            closed.join();
        } catch (Exception e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    private static final class Printer implements WebSocket.Listener {

        private final PrintStream out;
        private final CompletableFuture<Integer> closed;
        private final StringBuilder partial = new StringBuilder();

        Printer(PrintStream out, CompletableFuture<Integer> closed) {
            this.out = out;
            this.closed = closed;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                out.println(partial);
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            out.println("closed: " + statusCode + " " + reason);
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            out.println("error: " + error.getMessage());
            closed.complete(-1);
        }
    }
}
