package dev.signalgate.gateway.soak;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.signalgate.gateway.GatewayApplication;
import dev.signalgate.gateway.auth.TokenMinter;
import dev.signalgate.gateway.connection.ConnectionRegistry;

/**
 * The soak test: starts the gateway in this JVM (embedded store in a temporary directory), holds a mixed load
 * against it for a while, and reports heap after GC, open file descriptors and live threads at the start and the
 * end, so that leaks show as numbers that grow. See {@code gateway/SOAK.md}.
 *
 * <p>Settings, as system properties: {@code soak.duration} (ISO-8601, default {@code PT3M}), {@code soak.rooms}
 * (20) and {@code soak.members} per room (5), {@code soak.calls} (10 pairs), {@code soak.tick} (chat members act
 * every tick, call peers twice per tick; default {@code PT2S}).
 *
 * <p>Exits with status 1 when the load saw something wrong: an error frame, a close by the gateway, a gap or a
 * duplicate in a room's {@code seq}, an own message never confirmed, or connections left registered after
 * every client closed.
 */
public final class SoakRunner {

    private SoakRunner() {
    }

    public static void main(String[] args) throws Exception {
        Duration duration = Duration.parse(System.getProperty("soak.duration", "PT3M"));
        int rooms = Integer.getInteger("soak.rooms", 20);
        int members = Integer.getInteger("soak.members", 5);
        int calls = Integer.getInteger("soak.calls", 10);
        Duration tick = Duration.parse(System.getProperty("soak.tick", "PT2S"));
        Path dataDir = Files.createTempDirectory("signalgate-soak-");
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);

        System.out.printf(Locale.ROOT, "soak: %s, %d rooms x %d members, %d call pairs, tick %s%n", duration, rooms,
                members, calls, tick);
        // System properties outrank application.yml: keep the gateway's per-event INFO logs out of the report.
        System.setProperty("logging.level.root", System.getProperty("logging.level.root", "WARN"));
        System.setProperty("logging.level.signalgate", System.getProperty("logging.level.signalgate", "WARN"));
        System.setProperty("logging.level.signalgate.audit",
                System.getProperty("logging.level.signalgate.audit", "WARN"));
        System.setProperty("logging.level.dev.signalgate", System.getProperty("logging.level.dev.signalgate", "WARN"));
        ConfigurableApplicationContext gateway = new SpringApplicationBuilder(GatewayApplication.class)
                .properties("server.port=0", "gateway.jwt.secret=" + secret, "gateway.data-dir=" + dataDir)
                .run();
        boolean healthy;
        try {
            healthy = soak(gateway, secret, duration, rooms, members, calls, tick);
        } finally {
            gateway.close();
            deleteRecursively(dataDir);
        }
        if (!healthy) {
            System.out.println("soak: FAILED (see the counters above)");
            System.exit(1);
        }
        System.out.println("soak: passed");
    }

    private static boolean soak(ConfigurableApplicationContext gateway, String secret, Duration duration, int rooms,
            int members, int calls, Duration tick) throws Exception {
        int port = Integer.parseInt(gateway.getEnvironment().getRequiredProperty("local.server.port"));
        ConnectionRegistry registry = gateway.getBean(ConnectionRegistry.class);
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        TokenMinter minter = new TokenMinter(secret.getBytes(StandardCharsets.UTF_8), null, null);
        SoakStats stats = new SoakStats();
        List<Snapshot> snapshots = new ArrayList<>();
        snapshots.add(Snapshot.take("started, idle", registry));

        ExecutorService clientIo = Executors.newFixedThreadPool(4, daemon("soak-io"));
        HttpClient http = HttpClient.newBuilder().executor(clientIo).build();
        List<SoakClient> clients = new ArrayList<>();
        List<Duration> periods = new ArrayList<>();
        Duration tokenLife = duration.plusHours(1);
        for (int r = 0; r < rooms; r++) {
            for (int m = 0; m < members; m++) {
                String user = "member-" + r + "-" + m;
                clients.add(new SoakClient(http, uri, minter.mint(user, null, "patient", List.of("room-*"), tokenLife),
                        user, "room-" + r, SoakClient.Role.CHAT, stats));
                periods.add(tick);
            }
        }
        for (int c = 0; c < calls; c++) {
            for (String side : List.of("doctor", "patient")) {
                String user = side + "-" + c;
                clients.add(new SoakClient(http, uri, minter.mint(user, null, side, List.of("call-" + c), tokenLife),
                        user, "call-" + c, SoakClient.Role.CALL, stats));
                periods.add(tick.dividedBy(2));
            }
        }

        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, daemon("soak-tick"));
        for (int i = 0; i < clients.size(); i++) {
            SoakClient client = clients.get(i);
            long period = periods.get(i).toMillis();
            scheduler.scheduleWithFixedDelay(() -> {
                try {
                    client.tick();
                } catch (RuntimeException e) {
                    stats.sendFailures.increment();
                }
            }, ThreadLocalRandom.current().nextLong(period), period, TimeUnit.MILLISECONDS);
        }

        // The load runs for the duration; the reporter reports every 30 s and takes the snapshots on time.
        long start = System.nanoTime();
        ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(daemon("soak-report"));
        reporter.scheduleAtFixedRate(() -> progress(System.nanoTime() - start, registry, stats), 30, 30,
                TimeUnit.SECONDS);
        ScheduledFuture<Snapshot> warmedUp = reporter.schedule(() -> Snapshot.take("load on, warmed up", registry),
                Math.min(TimeUnit.SECONDS.toNanos(30), duration.toNanos() / 4), TimeUnit.NANOSECONDS);
        ScheduledFuture<Snapshot> atTheEnd = reporter.schedule(() -> Snapshot.take("load on, at the end", registry),
                duration.toNanos(), TimeUnit.NANOSECONDS);
        snapshots.add(warmedUp.get());
        snapshots.add(atTheEnd.get());
        reporter.shutdownNow();

        scheduler.shutdown();
        scheduler.awaitTermination(30, TimeUnit.SECONDS);
        // Messages still in flight get their confirmation; what is unconfirmed after 30 s is reported (and fails).
        awaitAtMost30s(() -> unconfirmed(clients) == 0);
        int unconfirmed = unconfirmed(clients);
        clients.forEach(SoakClient::stop);
        awaitAtMost30s(() -> registry.connectionCount() == 0);
        clientIo.shutdown();
        clientIo.awaitTermination(30, TimeUnit.SECONDS);
        snapshots.add(Snapshot.take("clients gone, idle", registry));

        progress(System.nanoTime() - start, registry, stats);
        Snapshot.print(snapshots);
        System.out.printf(Locale.ROOT, "messages sent %d, own confirmed %d, unconfirmed at the end %d%n",
                stats.messagesSent.sum(), stats.ownConfirmed.sum(), unconfirmed);
        System.out.printf(Locale.ROOT, "chat:confirmed received %d, seq gaps %d, seq duplicates %d%n",
                stats.confirmedReceived.sum(), stats.seqGaps.sum(), stats.seqDuplicates.sum());
        System.out.printf(Locale.ROOT, "signals sent %d, received %d%n", stats.signalsSent.sum(),
                stats.signalsReceived.sum());
        System.out.printf(Locale.ROOT, "reconnects %d, room rejoins (with since) %d, call rejoins %d%n",
                stats.reconnects.sum(), stats.roomRejoins.sum(), stats.callRejoins.sum());
        System.out.printf(Locale.ROOT, "error frames %s, closes by the gateway %s, send failures %d, connect failures %d%n",
                stats.errors(), stats.serverCloses(), stats.sendFailures.sum(), stats.connectFailures.sum());
        return stats.errors().isEmpty() && stats.serverCloses().isEmpty() && stats.seqGaps.sum() == 0
                && stats.seqDuplicates.sum() == 0 && unconfirmed == 0 && registry.connectionCount() == 0
                && stats.sendFailures.sum() == 0 && stats.connectFailures.sum() == 0;
    }

    private static int unconfirmed(List<SoakClient> clients) {
        return clients.stream().mapToInt(SoakClient::unconfirmed).sum();
    }

    /** Waits until the condition holds, 30 s at most; the caller reports what still does not hold. */
    private static void awaitAtMost30s(Callable<Boolean> condition) {
        try {
            await().atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100))
                    .until(condition);
        } catch (ConditionTimeoutException notWithin30s) {
            // reported by the caller
        }
    }

    private static void progress(long elapsedNanos, ConnectionRegistry registry, SoakStats stats) {
        System.out.printf(Locale.ROOT, "soak: %4ds  connections %4d  frames sent %8d  received %9d  messages %7d"
                        + "  errors %s%n", TimeUnit.NANOSECONDS.toSeconds(elapsedNanos), registry.connectionCount(),
                stats.framesSent.sum(), stats.framesReceived.sum(), stats.messagesSent.sum(), stats.errors());
    }

    /** What the process holds at one moment. */
    record Snapshot(String phase, long heapAfterGc, long openFds, int liveThreads, int connections) {

        /** Collects until the heap in use stops falling (what a collection frees may free more), at most 10 times. */
        static Snapshot take(String phase, ConnectionRegistry registry) {
            long heap = collectAndMeasure();
            for (int i = 0; i < 10; i++) {
                long again = collectAndMeasure();
                if (again >= heap) {
                    break;
                }
                heap = again;
            }
            return new Snapshot(phase, heap, countOpenFds(), ManagementFactory.getThreadMXBean().getThreadCount(),
                    registry.connectionCount());
        }

        private static long collectAndMeasure() {
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        }

        static long countOpenFds() {
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                return fds.count();
            } catch (IOException e) {
                return -1;
            }
        }

        static void print(List<Snapshot> snapshots) {
            System.out.println();
            System.out.printf(Locale.ROOT, "| %-20s | %14s | %8s | %12s | %11s |%n", "phase", "heap after GC",
                    "open fds", "live threads", "connections");
            System.out.printf(Locale.ROOT, "|%s|%s|%s|%s|%s|%n", "-".repeat(22), "-".repeat(16), "-".repeat(10),
                    "-".repeat(14), "-".repeat(13));
            for (Snapshot s : snapshots) {
                System.out.printf(Locale.ROOT, "| %-20s | %11.1f MB | %8d | %12d | %11d |%n", s.phase(),
                        s.heapAfterGc() / 1024.0 / 1024.0, s.openFds(), s.liveThreads(), s.connections());
            }
            System.out.println();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
