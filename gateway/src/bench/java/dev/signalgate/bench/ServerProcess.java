package dev.signalgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A server under test, started fresh for each group of phases and stopped after it: the gateway's fat jar on this
 * JVM's JDK, or the Socket.IO peer on Node. Knows how to read its memory: heap after a full GC (the gateway through
 * {@code jcmd GC.run} then {@code GC.heap_info}; Node through its {@code /stats} endpoint with {@code --expose-gc})
 * and resident set size from {@code /proc/<pid>/status}.
 */
abstract class ServerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

    final int port = freePort();
    final Path logFile;
    private Process process;

    ServerProcess(Path logFile) {
        this.logFile = logFile;
    }

    abstract String name();

    abstract List<String> command();

    abstract Map<String, String> environment();

    abstract URI readiness();

    /** Heap in use after a full collection, in bytes. */
    abstract long heapUsedAfterGc();

    void start() {
        try {
            Files.createDirectories(logFile.getParent());
            ProcessBuilder builder = new ProcessBuilder(command())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            builder.environment().putAll(environment());
            process = builder.start();
            // run.sh kills what this file names if the driver itself is killed.
            Files.writeString(logFile.getParent().resolve("server.pid"), Long.toString(process.pid()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name() + ": " + command(), e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name() + " exited with " + process.exitValue() + "; see " + logFile);
            }
            try {
                HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(readiness())
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        throw new IllegalStateException(name() + " did not become ready within 90 s; see " + logFile);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Resident set size in bytes. */
    long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException e) {
            // not Linux, or the process is gone
        }
        return -1;
    }

    String get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        try {
            Files.deleteIfExists(logFile.getParent().resolve("server.pid"));
        } catch (IOException e) {
            // only a hint for run.sh
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command, answers its output; fails if it fails. */
    static String run(List<String> command) {
        try {
            Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!child.waitFor(120, TimeUnit.SECONDS) || child.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The gateway: {@code java -jar gateway.jar} with a fresh data directory. */
    static final class Gateway extends ServerProcess {

        private static final Pattern USED = Pattern.compile("used (\\d+)K");

        private final Path jar;
        private final Path dataDir;
        private final String secret;
        private final List<String> jvmOptions;
        private final Path javaHome;
        private final Path launch;

        /**
         * @param javaHome the JDK to run on
         * @param launch a directory prepared by {@code gateway/bin/prepare-launch} to start from, or null for
         *     {@code java -jar}
         */
        Gateway(Path jar, Path dataDir, String secret, List<String> jvmOptions, Path javaHome, Path launch,
                Path logFile) {
            super(logFile);
            this.jar = jar;
            this.dataDir = dataDir;
            this.secret = secret;
            this.jvmOptions = jvmOptions;
            this.javaHome = javaHome;
            this.launch = launch;
        }

        /** The options the class cache was made with, and the one that uses it: the cache fits only those. */
        private List<String> launchOptions() {
            List<String> options = new ArrayList<>();
            for (String option : read(launch.resolve("launch.options")).trim().split("\\s+")) {
                if (!option.isEmpty()) {
                    options.add(option);
                }
            }
            // A cache that cannot be used must fail the run, not quietly measure a start without it.
            options.add(options.stream().anyMatch(o -> o.startsWith("-XX:AOTCache=")) ? "-XX:AOTMode=on" : "-Xshare:on");
            return options;
        }

        private static String read(Path file) {
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        String name() {
            return "gateway";
        }

        @Override
        List<String> command() {
            List<String> command = new ArrayList<>();
            command.add(javaHome.resolve("bin").resolve("java").toString());
            command.addAll(jvmOptions);
            if (launch != null) {
                command.addAll(launchOptions());
            }
            // One publisher at full speed is the point of the fan-out and store phases, not abuse: lift the
            // per-connection inbound rate limit (the Socket.IO peer has none).
            command.add("-Dgateway.limits.rate-per-second=1000000");
            command.add("-Dgateway.limits.rate-burst=1000000");
            command.add("-jar");
            command.add(launch != null ? launch.resolve(read(launch.resolve("launch.app")).trim()).toString()
                    : jar.toString());
            return command;
        }

        @Override
        Map<String, String> environment() {
            return Map.of("GATEWAY_JWT_SECRET", secret, "GATEWAY_DATA_DIR", dataDir.toString(),
                    "SERVER_PORT", Integer.toString(port), "SERVER_ADDRESS", "127.0.0.1");
        }

        @Override
        URI readiness() {
            return URI.create("http://127.0.0.1:" + port + "/actuator/health");
        }

        @Override
        long heapUsedAfterGc() {
            jcmd("GC.run");
            Matcher used = USED.matcher(jcmd("GC.heap_info"));
            if (!used.find()) {
                throw new IllegalStateException("jcmd GC.heap_info printed no \"used\" figure");
            }
            return Long.parseLong(used.group(1)) * 1024;
        }

        String jcmd(String... arguments) {
            List<String> command = new ArrayList<>();
            command.add(javaHome.resolve("bin").resolve("jcmd").toString());
            command.add(Long.toString(pid()));
            command.addAll(List.of(arguments));
            return run(command);
        }

        @Override
        public void close() {
            super.close();
            deleteTree(dataDir);
        }
    }

    /** The Socket.IO peer: {@code node --expose-gc server.js}. */
    static final class SocketIo extends ServerProcess {

        private static final Pattern HEAP = Pattern.compile("\"heapUsed\":(\\d+)");

        private final Path script;
        private final String secret;

        SocketIo(Path script, String secret, Path logFile) {
            super(logFile);
            this.script = script;
            this.secret = secret;
        }

        @Override
        String name() {
            return "socket.io";
        }

        @Override
        List<String> command() {
            return List.of("node", "--expose-gc", "--max-old-space-size=4096", script.toString());
        }

        @Override
        Map<String, String> environment() {
            return Map.of("GATEWAY_JWT_SECRET", secret, "PORT", Integer.toString(port), "HOST", "127.0.0.1");
        }

        @Override
        URI readiness() {
            return URI.create("http://127.0.0.1:" + port + "/stats");
        }

        @Override
        long heapUsedAfterGc() {
            Matcher heap = HEAP.matcher(get("/stats"));
            if (!heap.find()) {
                throw new IllegalStateException("/stats answered no heapUsed");
            }
            return Long.parseLong(heap.group(1));
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }
}
