package dev.signalgate.gateway.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's squid on a free loopback port, configured the way clinic proxies are: plain requests pass (no
 * caching), {@code CONNECT} is refused, so a browser that tunnels {@code ws://} through it cannot open a
 * WebSocket. Its configuration, pid and logs live in a temporary directory; as root squid drops to
 * {@code cache_effective_user}, so the directory is writable by everyone.
 */
final class Squid implements AutoCloseable {

    static final String SQUID = System.getProperty("browser.squid", "/usr/sbin/squid");
    private static final Duration START = Duration.ofSeconds(20);

    private final Process process;
    private final Path dir;
    private final int port;

    private Squid(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    static Squid start() {
        if (!Files.isExecutable(Path.of(SQUID))) {
            throw new IllegalStateException("no squid at " + SQUID + ": install squid: apt-get install squid"
                    + " (or pass -Dbrowser.squid=<path>)");
        }
        try {
            Path dir = Files.createTempDirectory("signalgate-squid-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            int port = freePort();
            Files.writeString(dir.resolve("squid.conf"), """
                    http_port 127.0.0.1:%d
                    acl loopback src 127.0.0.1/32
                    acl CONNECT method CONNECT
                    http_access deny CONNECT
                    http_access allow loopback
                    http_access deny all
                    cache deny all
                    pinger_enable off
                    pid_filename %s/squid.pid
                    access_log stdio:%s/access.log
                    cache_log %s/cache.log
                    cache_store_log none
                    coredump_dir %s
                    cache_effective_user proxy
                    shutdown_lifetime 0 seconds
                    """.formatted(port, dir, dir, dir, dir));
            Process process = new ProcessBuilder(SQUID, "-N", "-f", dir.resolve("squid.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("squid.out").toFile()).start();
            Squid squid = new Squid(process, dir, port);
            squid.awaitListening();
            return squid;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** What squid logged about each request, for assertions and diagnosis. */
    String accessLog() {
        try {
            Path log = dir.resolve("access.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("squid exited with " + process.exitValue() + ": "
                        + Files.readString(dir.resolve("squid.out")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    process.waitFor(100, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        close();
        throw new IllegalStateException("squid did not listen on " + port + " within " + START);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: leaving it behind is harmless
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
