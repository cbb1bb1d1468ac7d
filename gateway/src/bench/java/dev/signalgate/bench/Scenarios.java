package dev.signalgate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The four measurements, each run the same way against either server through its {@link Protocol}. Every phase
 * is bounded in time: it opens its connections, warms up, measures for a fixed period, and closes them.
 */
final class Scenarios {

    private final Settings settings;
    private final Protocol protocol;
    private final ServerProcess server;
    private final Jwt jwt;
    private final String tag;
    private final AtomicInteger nextUser = new AtomicInteger();

    Scenarios(Settings settings, Protocol protocol, ServerProcess server, Jwt jwt, String tag) {
        this.settings = settings;
        this.protocol = protocol;
        this.server = server;
        this.jwt = jwt;
        this.tag = tag;
    }

    private Client newClient(int index) {
        String user = "u" + tag + "-" + nextUser.getAndIncrement();
        return new Client(index, user, jwt.mint(user, 3600), protocol);
    }

    private CompletableFuture<Client> connectAndJoin(Connector connector, Client client, String room) {
        return connector.connect(client)
                .thenCompose(ready -> ready.request(id -> protocol.join(room, id)))
                .thenApply(acked -> client);
    }

    List<Client> open(Connector connector, int from, int count, java.util.function.IntFunction<String> roomOf,
            AtomicInteger failures) {
        return connector.openAll(from, count, settings.connectConcurrency, Duration.ofSeconds(60), this::newClient,
                client -> connectAndJoin(connector, client, roomOf.apply(client.index)), failures);
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. connection density

    /** Idle authenticated connections, each joined to a room; memory per connection at each step. */
    Map<String, Double> density(Connector connector, int[] steps, Runnable onConnectStart, Runnable onConnectEnd) {
        Map<String, Double> out = new LinkedHashMap<>();
        settle();
        long heap0 = server.heapUsedAfterGc();
        long rss0 = server.rss();
        System.out.printf("  baseline: heap %.1f MiB, RSS %.1f MiB%n", heap0 / 1048576.0, rss0 / 1048576.0);
        List<Client> clients = new ArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        for (int step : steps) {
            int target = Math.min(step, settings.maxConnections);
            boolean first = clients.isEmpty();
            if (first) {
                onConnectStart.run();
            }
            long started = System.nanoTime();
            List<Client> more = open(connector, clients.size(), target - clients.size(),
                    index -> "idle-" + tag + "-" + index / settings.densityRoomSize, failures);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (first) {
                onConnectEnd.run();
            }
            clients.addAll(more);
            int connected = clients.size();
            settle();
            long heap = server.heapUsedAfterGc();
            long rss = server.rss();
            long stillOpen = clients.stream().filter(Client::isOpen).count();
            double heapPer = (heap - heap0) / (double) connected / 1024;
            double rssPer = (rss - rss0) / (double) connected / 1024;
            String key = "density." + step;
            out.put(key + ".connections", (double) connected);
            out.put(key + ".heapKiBPerConnection", heapPer);
            out.put(key + ".rssKiBPerConnection", rssPer);
            out.put(key + ".heapMiB", heap / 1048576.0);
            out.put(key + ".rssMiB", rss / 1048576.0);
            out.put(key + ".connectsPerSecond", more.size() / seconds);
            System.out.printf("  %,d connections (%,d open, %d failed): heap %.1f MiB (%.2f KiB/conn),"
                    + " RSS %.1f MiB (%.2f KiB/conn), opened %.0f/s%n", connected, stillOpen, failures.get(),
                    heap / 1048576.0, heapPer, rss / 1048576.0, rssPer, more.size() / seconds);
        }
        out.put("density.failures", (double) failures.get());
        Connector.closeAll(clients);
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. fan-out

    /**
     * One publisher at full speed into a room of {@code fanoutMembers}: closed loop, at most {@code fanoutWindow}
     * messages not yet received by every other member. Counts {@code chat:message} deliveries per second.
     */
    Map<String, Double> fanOut(Connector connector, Runnable onMeasureStart, Runnable onMeasureEnd) {
        Map<String, Double> out = new LinkedHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        String room = "fan-" + tag;
        List<Client> clients = open(connector, 0, settings.fanoutMembers, index -> room, failures);
        if (clients.size() < 2) {
            throw new IllegalStateException("fan-out: only " + clients.size() + " members connected");
        }
        settle();
        Client publisher = clients.get(0);
        int receivers = clients.size() - 1;
        int ring = 1 << 14;
        AtomicIntegerArray counts = new AtomicIntegerArray(ring);
        AtomicLong completed = new AtomicLong();
        LongAdder deliveries = new LongAdder();
        LongAdder frames = new LongAdder();
        AtomicLong lastProgress = new AtomicLong(System.nanoTime());
        boolean[] running = {true};
        Runnable pump = () -> {
            // On the publisher's event loop only.
            boolean wrote = false;
            while (running[0] && publisher.sent - completed.get() < settings.fanoutWindow) {
                long seq = publisher.sent++;
                publisher.write(protocol.send(room, "f" + seq, Body.encode(publisher.index, seq, System.nanoTime()),
                        seq));
                wrote = true;
            }
            if (wrote) {
                publisher.flush();
            }
        };
        Protocol.Events receiving = new Protocol.Events() {
            @Override
            public void message(Client client, String body) {
                deliveries.increment();
                frames.increment();
                long seq = Body.seq(body);
                int slot = (int) (seq & (ring - 1));
                if (counts.incrementAndGet(slot) == receivers) {
                    counts.set(slot, 0);
                    completed.incrementAndGet();
                    lastProgress.set(System.nanoTime());
                    publisher.channel().eventLoop().execute(pump);
                }
            }

            @Override
            public void confirmed(Client client, String body) {
                frames.increment();
            }

            @Override
            public void ack(Client client, long ackId) {
                // publisher acks carry the message seq as id; nothing waits for them
            }
        };
        clients.forEach(client -> client.listen(receiving));
        publisher.channel().eventLoop().execute(pump);

        sleepSeconds(settings.warmupSeconds);
        long d0 = deliveries.sum();
        long f0 = frames.sum();
        long c0 = completed.get();
        long t0 = System.nanoTime();
        onMeasureStart.run();
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(settings.measureSeconds)) {
            ServerProcess.sleep(250);
            if (System.nanoTime() - lastProgress.get() > TimeUnit.SECONDS.toNanos(10)) {
                System.err.println("  fan-out stalled: no message reached every member for 10 s");
                break;
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long d = deliveries.sum() - d0;
        long f = frames.sum() - f0;
        long c = completed.get() - c0;
        onMeasureEnd.run();
        publisher.channel().eventLoop().execute(() -> running[0] = false);
        sleepSeconds(1);
        out.put("fanout.members", (double) clients.size());
        out.put("fanout.deliveriesPerSecond", d / seconds);
        out.put("fanout.framesPerSecond", f / seconds);
        out.put("fanout.messagesPerSecond", c / seconds);
        out.put("fanout.failures", (double) failures.get());
        System.out.printf("  %,d members: %,.0f deliveries/s (%,.0f messages/s fully delivered; %,.0f frames/s"
                + " received incl. confirmations)%n", clients.size(), d / seconds, c / seconds, f / seconds);
        Connector.closeAll(clients);
        return out;
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. latency at a fixed moderate load, 4. send-to-confirm lag at that load

    /**
     * {@code latencyBigRate} messages/s into a room of {@code fanoutMembers}, plus {@code smallRooms} rooms of
     * {@code smallRoomSize} whose members each send every {@code smallIntervalSeconds}: publish-to-receive latency
     * of every delivery, and (gateway) each sender's send-to-confirm lag.
     */
    Map<String, Double> latency(Connector connector) {
        Map<String, Double> out = new LinkedHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        String big = "big-" + tag;
        int bigMembers = settings.fanoutMembers;
        int small = settings.smallRooms * settings.smallRoomSize;
        List<Client> clients = open(connector, 0, bigMembers + small,
                index -> index < bigMembers ? big : "small-" + tag + "-" + (index - bigMembers) / settings.smallRoomSize,
                failures);
        settle();
        Recorder all = new Recorder();
        Recorder bigRoom = new Recorder();
        Recorder smallRooms = new Recorder();
        Recorder confirmLag = new Recorder();
        Window window = new Window();
        Protocol.Events events = new Protocol.Events() {
            @Override
            public void message(Client client, String body) {
                long now = System.nanoTime();
                long sent = Body.sendNanos(body);
                if (window.contains(sent)) {
                    long latency = now - sent;
                    all.record(latency);
                    (Body.sender(body) < bigMembers ? bigRoom : smallRooms).record(latency);
                }
            }

            @Override
            public void confirmed(Client client, String body) {
                if (Body.sender(body) == client.index) {
                    long sent = Body.sendNanos(body);
                    if (window.contains(sent)) {
                        confirmLag.record(System.nanoTime() - sent);
                    }
                }
            }

            @Override
            public void ack(Client client, long ackId) {
            }
        };
        clients.forEach(client -> client.listen(events));
        List<ScheduledFuture<?>> schedules = new ArrayList<>();
        AtomicLong seq = new AtomicLong();
        if (!clients.isEmpty() && clients.get(0).index == 0) {
            Client publisher = clients.get(0);
            long periodMicros = 1_000_000L / settings.latencyBigRate;
            schedules.add(publisher.channel().eventLoop().scheduleAtFixedRate(() -> sendTimed(publisher, big, seq),
                    0, periodMicros, TimeUnit.MICROSECONDS));
        }
        for (Client client : clients) {
            if (client.index >= bigMembers) {
                String room = "small-" + tag + "-" + (client.index - bigMembers) / settings.smallRoomSize;
                long periodMillis = settings.smallIntervalSeconds * 1000L;
                long phase = ThreadLocalRandom.current().nextLong(periodMillis);
                schedules.add(client.channel().eventLoop().scheduleAtFixedRate(() -> sendTimed(client, room, seq),
                        phase, periodMillis, TimeUnit.MILLISECONDS));
            }
        }
        sleepSeconds(settings.warmupSeconds);
        window.open(settings.measureSeconds);
        sleepSeconds(settings.measureSeconds);
        long sentInWindow = seq.get();
        schedules.forEach(schedule -> schedule.cancel(false));
        sleepSeconds(2);
        double[] p = all.percentilesMillis();
        double[] b = bigRoom.percentilesMillis();
        double[] s = smallRooms.percentilesMillis();
        double[] lag = confirmLag.percentilesMillis();
        out.put("latency.deliveries", (double) all.count());
        out.put("latency.deliveriesPerSecond", all.count() / (double) settings.measureSeconds);
        out.put("latency.p50Ms", p[0]);
        out.put("latency.p99Ms", p[1]);
        out.put("latency.p999Ms", p[2]);
        out.put("latency.maxMs", p[3]);
        out.put("latency.bigRoom.p99Ms", b[1]);
        out.put("latency.smallRooms.p99Ms", s[1]);
        out.put("latency.failures", (double) failures.get());
        if (confirmLag.count() > 0) {
            out.put("persistence.moderate.lagP50Ms", lag[0]);
            out.put("persistence.moderate.lagP99Ms", lag[1]);
        }
        System.out.printf("  %,d deliveries measured (%d messages sent overall): p50 %.2f ms, p99 %.2f ms,"
                + " p99.9 %.2f ms, max %.1f ms (1,000-room p99 %.2f, small rooms p99 %.2f)%n", all.count(),
                sentInWindow, p[0], p[1], p[2], p[3], b[1], s[1]);
        if (confirmLag.count() > 0) {
            System.out.printf("  send-to-confirm at this load: p50 %.2f ms, p99 %.2f ms (%,d messages)%n", lag[0],
                    lag[1], confirmLag.count());
        }
        Connector.closeAll(clients);
        return out;
    }

    /**
     * Sends the client's next message (its own count in {@link Client#sent}), stamped {@code sendNanos}; call on its
     * event loop.
     */
    void sendOwn(Client client, String room, java.util.function.LongFunction<String> tempIdOf, long sendNanos) {
        long n = ++client.sent;
        client.send(protocol.send(room, tempIdOf.apply(n), Body.encode(client.index, n, sendNanos), n));
    }

    /** Writes (without flushing) message {@code n} of the client with this tempId; call on its event loop. */
    void writeOwn(Client client, String room, String tempId, long n) {
        client.write(protocol.send(room, tempId, Body.encode(client.index, n, System.nanoTime()), n));
    }

    void sendTimed(Client client, String room, AtomicLong seq) {
        long n = seq.incrementAndGet();
        client.send(protocol.send(room, "l" + n, Body.encode(client.index, n, System.nanoTime()), n));
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. persistence throughput (gateway only)

    /**
     * {@code persistenceRooms} rooms of two; every member keeps {@code persistenceWindow} of its own messages
     * unconfirmed, so the store runs flat out. Counts own {@code chat:confirmed} per second and the lag.
     */
    Map<String, Double> persistence(Connector connector, Runnable onMeasureStart, Runnable onMeasureEnd) {
        Map<String, Double> out = new LinkedHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        List<Client> clients = open(connector, 0, settings.persistenceRooms * 2,
                index -> "store-" + tag + "-" + index / 2, failures);
        settle();
        LongAdder confirmed = new LongAdder();
        LongAdder failed = new LongAdder();
        Recorder lag = new Recorder();
        Window window = new Window();
        AtomicBoolean running = new AtomicBoolean(true);
        Protocol.Events events = new Protocol.Events() {
            @Override
            public void confirmed(Client client, String body) {
                if (Body.sender(body) != client.index) {
                    return;
                }
                long now = System.nanoTime();
                long sent = Body.sendNanos(body);
                if (window.contains(sent) && window.contains(now)) {
                    confirmed.increment();
                    lag.record(now - sent);
                }
                client.outstanding--;
                pumpOwn(client);
            }

            @Override
            public void failed(Client client, String from) {
                if (client.userId.equals(from)) {
                    failed.increment();
                    client.outstanding--;
                    pumpOwn(client);
                }
            }

            @Override
            public void ack(Client client, long ackId) {
            }

            private void pumpOwn(Client client) {
                if (running.get()) {
                    pump(client, settings.persistenceWindow);
                }
            }
        };
        clients.forEach(client -> {
            client.listen(events);
            client.channel().eventLoop().execute(() -> pump(client, settings.persistenceWindow));
        });
        sleepSeconds(settings.warmupSeconds);
        onMeasureStart.run();
        window.open(settings.measureSeconds);
        sleepSeconds(settings.measureSeconds);
        onMeasureEnd.run();
        running.set(false);
        sleepSeconds(2);
        double[] p = lag.percentilesMillis();
        double rate = confirmed.sum() / (double) settings.measureSeconds;
        out.put("persistence.confirmedPerSecond", rate);
        out.put("persistence.saturated.lagP50Ms", p[0]);
        out.put("persistence.saturated.lagP99Ms", p[1]);
        out.put("persistence.failed", (double) failed.sum());
        out.put("persistence.failures", (double) failures.get());
        System.out.printf("  %,.0f confirmed messages/s (%d senders, %d unconfirmed each at most; %d failed):"
                + " send-to-confirm p50 %.1f ms, p99 %.1f ms%n", rate, clients.size(), settings.persistenceWindow,
                failed.sum(), p[0], p[1]);
        Connector.closeAll(clients);
        return out;
    }

    private void pump(Client client, int window) {
        String room = "store-" + tag + "-" + client.index / 2;
        boolean wrote = false;
        while (client.outstanding < window) {
            long n = ++client.sent;
            client.outstanding++;
            client.write(protocol.send(room, "p" + client.index + "-" + n, Body.encode(client.index, n,
                    System.nanoTime()), n));
            wrote = true;
        }
        if (wrote) {
            client.flush();
        }
    }

    /** The measuring period, in {@link System#nanoTime()}; empty until opened. */
    private static final class Window {

        private volatile long start = Long.MAX_VALUE;
        private volatile long end = Long.MAX_VALUE;

        void open(int seconds) {
            long now = System.nanoTime();
            end = now + TimeUnit.SECONDS.toNanos(seconds);
            start = now;
        }

        boolean contains(long nanos) {
            return nanos >= start && nanos < end;
        }
    }

    private void settle() {
        sleepSeconds(settings.settleSeconds);
    }

    private static void sleepSeconds(int seconds) {
        ServerProcess.sleep(seconds * 1000L);
    }
}
