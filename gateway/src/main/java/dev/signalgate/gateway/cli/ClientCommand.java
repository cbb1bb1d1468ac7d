package dev.signalgate.gateway.cli;

import java.io.BufferedReader;
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
 * is printed on its own line; the close code is printed when the gateway closes the connection.
 */
public final class ClientCommand {

    static final String USAGE = "usage: java -jar gateway.jar client --token <jwt> [--url ws://localhost:8080/ws]";

    private ClientCommand() {
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
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
        URI uri = URI.create(url + (url.contains("?") ? "&" : "?") + "access_token="
                + URLEncoder.encode(options.get("--token"), StandardCharsets.UTF_8));
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket;
        try {
            socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new Printer(out, closed)).join();
        } catch (RuntimeException e) {
            err.println("connection refused: " + (e.getCause() == null ? e : e.getCause()).getMessage());
            return 1;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while (!closed.isDone() && (line = in.readLine()) != null) {
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
