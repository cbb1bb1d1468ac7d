package dev.signalgate.gateway.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.signalgate.gateway.GatewayApplication;

/**
 * The real gateway in this JVM, on a fixed free port with its embedded store in a temporary directory, in
 * development mode (no secret: the demo page mints its tokens at {@code /dev/token}). It can be stopped and
 * started again on the same port with the same data, which is how the browser tests cut every connection.
 */
final class TestGateway implements AutoCloseable {

    /** The rooms whose calls have a waiting room: doctors join directly and admit patients. */
    static final String WAITING_ROOMS = "consult-waiting-*";

    private final int port;
    private final Path dataDir;
    private ConfigurableApplicationContext context;

    private TestGateway(int port, Path dataDir) {
        this.port = port;
        this.dataDir = dataDir;
    }

    static TestGateway start() {
        TestGateway gateway;
        try {
            gateway = new TestGateway(freePort(), Files.createTempDirectory("signalgate-browser-"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            gateway.startAgain();
            return gateway;
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
    }

    /** Starts the gateway (again) on the same port and data directory. */
    void startAgain() {
        if (context != null) {
            throw new IllegalStateException("the gateway is already running");
        }
        // Command-line arguments outrank environment variables such as GATEWAY_JWT_SECRET.
        context = new SpringApplicationBuilder(GatewayApplication.class).run(
                "--server.port=" + port,
                "--gateway.data-dir=" + dataDir,
                "--gateway.jwt.secret=",
                // Consultations in rooms named like this have a waiting room (WaitingRoomBrowserIT).
                "--gateway.call.admission-rooms=" + WAITING_ROOMS,
                "--gateway.shutdown.grace=3s",
                "--spring.lifecycle.timeout-per-shutdown-phase=10s");
    }

    /** Stops the gateway gracefully: open connections are closed with 1001, the port is released. */
    void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    URI baseUri() {
        return URI.create("http://localhost:" + port);
    }

    @Override
    public void close() {
        stop();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: leaving it behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }
}
