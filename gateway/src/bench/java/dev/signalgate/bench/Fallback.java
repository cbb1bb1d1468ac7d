package dev.signalgate.bench;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Phase {@code fallback} (gateway only): the HTTP fallback transport next to the WebSocket, on one server.
 * <ol>
 * <li>heap after a full GC per idle connection: {@code fallbackSessions} WebSocket connections (the density
 * phase's code), closed; then as many HTTP sessions, each with its event stream open and joined to a room of
 * {@code densityRoomSize}, against a baseline taken after the sockets were gone;</li>
 * <li>publish-to-receive latency under the same open-loop load for each: {@code fallbackRooms} rooms of
 * {@code fallbackRoomSize} members, each member sending a chat message every {@code fallbackIntervalMillis}
 * (HTTP members by POST, reading their streams; then WebSocket members).</li>
 * </ol>
 */
final class Fallback {

    private Fallback() {
    }

    static Map<String, Double> run(Scenarios scenarios, Connector connector, Settings settings, ServerProcess server,
            Jwt jwt, String tag) {
        Map<String, Double> out = new LinkedHashMap<>();
        int n = Math.min(settings.fallbackSessions, settings.maxConnections / 2);
        System.out.printf("-- fallback: heap per idle WebSocket connection (%,d)%n", n);
        Map<String, Double> ws = scenarios.density(connector, new int[] {n}, () -> {
        }, () -> {
        });
        out.put("fallback.ws.connections", ws.get("density." + n + ".connections"));
        out.put("fallback.ws.heapKiBPerConnection", ws.get("density." + n + ".heapKiBPerConnection"));

        // Streams on a client of their own, so a cancelled stream's connection never serves a POST.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        HttpClient posts = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool)
                .connectTimeout(Duration.ofSeconds(10)).build();
        HttpClient streams = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool)
                .connectTimeout(Duration.ofSeconds(10)).build();
        try {
            System.out.printf("-- fallback: heap per idle HTTP session (%,d, stream open, joined)%n", n);
            ServerProcess.sleep(settings.settleSeconds * 1000L);
            long heap0 = server.heapUsedAfterGc();
            long started = System.nanoTime();
            List<FallbackSession> sessions = open(settings, server, jwt, tag, posts, streams, n,
                    settings.densityRoomSize, out);
            double seconds = (System.nanoTime() - started) / 1e9;
            ServerProcess.sleep(settings.settleSeconds * 1000L);
            long heap = server.heapUsedAfterGc();
            double perSession = (heap - heap0) / (double) sessions.size() / 1024;
            out.put("fallback.http.sessions", (double) sessions.size());
            out.put("fallback.http.heapKiBPerSession", perSession);
            out.put("fallback.http.opensPerSecond", sessions.size() / seconds);
            System.out.printf("  %,d sessions: heap %.1f -> %.1f MiB (%.2f KiB/session; WebSocket %.2f KiB/conn),"
                    + " opened %.0f/s%n", sessions.size(), heap0 / 1048576.0, heap / 1048576.0, perSession,
                    out.get("fallback.ws.heapKiBPerConnection"), sessions.size() / seconds);
            closeAll(sessions);

            int members = settings.fallbackRooms * settings.fallbackRoomSize;
            System.out.printf("-- fallback: latency, %d rooms of %d HTTP members, one message each every %d ms%n",
                    settings.fallbackRooms, settings.fallbackRoomSize, settings.fallbackIntervalMillis);
            List<FallbackSession> http = open(settings, server, jwt, tag + "l", posts, streams, members,
                    settings.fallbackRoomSize, null);
            out.putAll(httpLatency(settings, http));
            closeAll(http);
        } finally {
            pool.shutdownNow();
        }

        int members = settings.fallbackRooms * settings.fallbackRoomSize;
        System.out.printf("-- fallback: latency, the same load on %d WebSocket members%n", members);
        AtomicInteger failures = new AtomicInteger();
        List<Client> clients = scenarios.open(connector, 0, members,
                index -> wsRoom(tag, settings, index), failures);
        out.putAll(wsLatency(scenarios, settings, clients, tag));
        out.put("fallback.ws.connectFailures", (double) failures.get());
        Connector.closeAll(clients);
        return out;
    }

    private static String wsRoom(String tag, Settings settings, int index) {
        return "fbw-" + tag + "-" + index / settings.fallbackRoomSize;
    }

    /** Opens {@code count} sessions, at most {@code connectConcurrency} opening at a time; failures are counted. */
    private static List<FallbackSession> open(Settings settings, ServerProcess server, Jwt jwt, String tag,
            HttpClient posts, HttpClient streams, int count, int roomSize, Map<String, Double> out) {
        Semaphore slots = new Semaphore(settings.connectConcurrency);
        List<CompletableFuture<FallbackSession>> opening = new ArrayList<>();
        List<FallbackSession> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String user = "h" + tag + "-" + i;
            FallbackSession session = new FallbackSession(i, "fbh-" + tag + "-" + i / roomSize,
                    jwt.mint(user, 3600), "127.0.0.1", server.port, posts, streams);
            all.add(session);
            slots.acquireUninterruptibly();
            opening.add(session.open().orTimeout(60, TimeUnit.SECONDS).whenComplete((s, f) -> slots.release()));
        }
        List<FallbackSession> joined = new ArrayList<>();
        int failed = 0;
        for (int i = 0; i < count; i++) {
            try {
                joined.add(opening.get(i).join());
            } catch (RuntimeException e) {
                if (++failed <= 3) {
                    System.err.println("  HTTP session " + i + " failed to open: " + e.getMessage());
                }
                all.get(i).close();
            }
        }
        if (out != null) {
            out.put("fallback.http.openFailures", (double) failed);
        }
        return joined;
    }

    private static void closeAll(List<FallbackSession> sessions) {
        Semaphore slots = new Semaphore(200);
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (FallbackSession session : sessions) {
            slots.acquireUninterruptibly();
            closing.add(session.close().orTimeout(30, TimeUnit.SECONDS).whenComplete((v, f) -> slots.release()));
        }
        closing.forEach(future -> future.exceptionally(failure -> null).join());
    }

    private static Map<String, Double> httpLatency(Settings settings, List<FallbackSession> sessions) {
        Window window = new Window();
        Recorder latency = new Recorder();
        LongAdder refused = new LongAdder();
        sessions.forEach(session -> session.onMessage = body -> window.record(latency, body));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long period = settings.fallbackIntervalMillis * 1000L;
        List<ScheduledFuture<?>> schedules = new ArrayList<>();
        for (FallbackSession session : sessions) {
            schedules.add(timer.scheduleAtFixedRate(() -> session.sendMessage(System.nanoTime())
                    .whenComplete((status, failure) -> {
                        if (failure != null || status != 200) {
                            refused.increment();
                        }
                    }), ThreadLocalRandom.current().nextLong(period), period, TimeUnit.MICROSECONDS));
        }
        Map<String, Double> out = window.measure(settings, latency, "fallback.http");
        schedules.forEach(schedule -> schedule.cancel(false));
        timer.shutdownNow();
        out.put("fallback.http.refusedPosts", (double) refused.sum());
        return out;
    }

    private static Map<String, Double> wsLatency(Scenarios scenarios, Settings settings, List<Client> clients,
            String tag) {
        Window window = new Window();
        Recorder latency = new Recorder();
        Protocol.Events events = new Protocol.Events() {
            @Override
            public void message(Client client, String body) {
                window.record(latency, body);
            }
        };
        clients.forEach(client -> client.listen(events));
        double rate = clients.size() * 1000.0 / settings.fallbackIntervalMillis;
        OpenLoop loop = OpenLoop.start(scenarios, clients, rate, client -> wsRoom(tag, settings, client.index),
                (client, n) -> "fw-" + client.index + "-" + n);
        Map<String, Double> out = window.measure(settings, latency, "fallback.ws");
        loop.stop();
        return out;
    }

    /** Records the latency of messages sent within the measured window only: warm-up and drain are left out. */
    private static final class Window {

        private final AtomicLong from = new AtomicLong(Long.MAX_VALUE);
        private final AtomicLong until = new AtomicLong(Long.MAX_VALUE);

        void record(Recorder latency, String body) {
            long now = System.nanoTime();
            long sent = Body.sendNanos(body);
            if (sent >= from.get() && sent < until.get()) {
                latency.record(now - sent);
            }
        }

        Map<String, Double> measure(Settings settings, Recorder latency, String key) {
            ServerProcess.sleep(settings.warmupSeconds * 1000L);
            from.set(System.nanoTime());
            ServerProcess.sleep(settings.measureSeconds * 1000L);
            until.set(System.nanoTime());
            ServerProcess.sleep(2000);
            double[] p = latency.percentilesMillis();
            Map<String, Double> out = new LinkedHashMap<>();
            out.put(key + ".deliveries", (double) latency.count());
            out.put(key + ".p50Ms", p[0]);
            out.put(key + ".p99Ms", p[1]);
            out.put(key + ".p999Ms", p[2]);
            out.put(key + ".maxMs", p[3]);
            System.out.printf("  %s: %,d deliveries measured, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.1f ms%n",
                    key, latency.count(), p[0], p[1], p[2], p[3]);
            return out;
        }
    }
}
