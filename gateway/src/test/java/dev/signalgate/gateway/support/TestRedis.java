package dev.signalgate.gateway.support;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.awaitility.core.ConditionTimeoutException;

/**
 * A Redis server for tests, on a free loopback port, in the foreground as a child process of the test JVM: the
 * {@code redis-server} on the PATH when there is one (Debian: {@code apt-get install -y redis-server}), else the
 * binary shipped in the {@code embedded-redis} test dependency, so a build needs nothing beyond a JDK and Maven.
 * {@code -Dtest.redis=shipped} forces the shipped binary (Redis 6.2: classic pub/sub). Nothing is persisted ({@code --save '' --appendonly no}); {@link #close()} kills it.
 *
 * <pre>{@code
 * try (TestRedis redis = TestRedis.start()) {
 *     String url = redis.url();   // redis://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class TestRedis implements AutoCloseable {

    private final Path binary;
    private final int port;
    private Process process;

    private TestRedis(Path binary, int port) {
        this.binary = binary;
        this.port = port;
        // Never outlive the test JVM, even when a test forgets to close it.
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "test-redis-" + port));
    }

    public static TestRedis start() {
        TestRedis redis = new TestRedis(findBinary(), freePort());
        redis.restart();
        return redis;
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Which server runs: the path of its binary. */
    public Path binary() {
        return binary;
    }

    /** Kills the server at once (SIGKILL): its data is gone. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** Starts the server (again) on the same port, empty. */
    public synchronized void restart() {
        kill();
        try {
            process = new ProcessBuilder(List.of(binary.toString(), "--port", Integer.toString(port), "--bind",
                    "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no"))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        try {
            await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        try (Socket probe = new Socket()) {
                            probe.connect(new InetSocketAddress("127.0.0.1", port), 200);
                            return true;
                        } catch (IOException notYet) {
                            if (!process.isAlive()) {
                                throw new IllegalStateException(binary + " exited with " + process.exitValue());
                            }
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(binary + " did not listen on port " + port + " within 20 s", e);
        }
    }

    @Override
    public void close() {
        kill();
    }

    private static Path findBinary() {
        if ("shipped".equals(System.getProperty("test.redis"))) {
            return shipped();
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return shipped();
    }

    /** The binary inside the embedded-redis jar, copied to a temporary file. */
    private static Path shipped() {
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        boolean arm = arch.contains("aarch64") || arch.contains("arm");
        String resource = os.contains("mac") ? (arm ? "redis-server-6.2.6-v5-darwin-arm64"
                : "redis-server-6.2.6-v5-darwin-amd64")
                : arm ? "redis-server-6.2.7-linux-arm64" : "redis-server-6.2.6-v5-linux-amd64";
        try (InputStream in = TestRedis.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no redis-server on the PATH and no " + resource
                        + " in embedded-redis: install redis-server");
            }
            Path file = Files.createTempFile("redis-server-", "");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            file.toFile().setExecutable(true);
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
