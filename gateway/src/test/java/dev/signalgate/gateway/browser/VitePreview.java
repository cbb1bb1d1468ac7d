package dev.signalgate.gateway.browser;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

/**
 * The built Vite example ({@code examples/vite-consult/dist/}) served by {@code vite preview}, which proxies
 * {@code /ws} and {@code /dev/token} to a gateway. The browser profile installs the packed adapter and builds the
 * example before the tests; this only serves what was built, and fails saying how to build it when it is missing.
 */
final class VitePreview implements AutoCloseable {

    static final Path EXAMPLE = Path.of(System.getProperty("browser.vite-example", "examples/vite-consult"));
    private static final Duration START = Duration.ofSeconds(60);

    private final Process process;
    private final URI uri;

    private VitePreview(Process process, URI uri) {
        this.process = process;
        this.uri = uri;
    }

    /** Starts {@code vite preview} on a free port, proxying to {@code gateway}; returns once it serves the page. */
    static VitePreview start(URI gateway) {
        Path vite = EXAMPLE.resolve("node_modules/vite/bin/vite.js");
        for (Path needed : new Path[] {EXAMPLE.resolve("dist/index.html"), vite}) {
            if (!Files.isRegularFile(needed)) {
                throw new IllegalStateException(needed + " is missing: the example is built by the browser profile"
                        + " (mvn -pl gateway -am verify -Pbrowser packs the adapter, npm installs it and runs"
                        + " vite build in " + EXAMPLE + "; it needs npm and the npm registry)");
            }
        }
        try {
            int port = freePort();
            Files.createDirectories(Browser.ARTIFACTS);
            ProcessBuilder builder = new ProcessBuilder(BrowserTools.NODE, vite.toAbsolutePath().toString(), "preview",
                    "--host", "127.0.0.1", "--port", String.valueOf(port), "--strictPort")
                    .directory(EXAMPLE.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(Browser.ARTIFACTS.resolve("vite-preview.log").toFile());
            // 127.0.0.1 rather than localhost: Node may resolve localhost to ::1 first.
            builder.environment().put("GATEWAY_URL", "http://127.0.0.1:" + gateway.getPort());
            VitePreview preview = new VitePreview(builder.start(), URI.create("http://127.0.0.1:" + port + "/"));
            preview.awaitServing();
            return preview;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri() {
        return uri;
    }

    private void awaitServing() {
        // HTTP/1.1: an h2c upgrade request would reach vite's WebSocket proxy, which leaves it unanswered.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        try {
            await().atMost(START).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException("vite preview exited with " + process.exitValue() + ": see "
                            + Browser.ARTIFACTS.resolve("vite-preview.log"));
                }
                try {
                    HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                            .GET().build(), HttpResponse.BodyHandlers.discarding());
                    return response.statusCode() == 200;
                } catch (IOException e) {
                    return false; // not listening yet
                }
            });
        } catch (ConditionTimeoutException e) {
            close();
            throw new IllegalStateException("vite preview did not serve " + uri + " within " + START, e);
        }
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
