package dev.signalgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * 5. Cold start: what clients see when a node restarts and they all come back at once. Against a server that has
 * just reported ready, {@code coldStartRooms} rooms of {@code coldStartRoomSize} connect and join, then every
 * member sends a chat message every {@code coldStartIntervalMillis} on a fixed schedule (open loop: a slow server
 * does not slow the senders down, its queue grows). Delivery (to the other members) and confirmation (to the
 * sender, gateway only) latencies are filed by the second since the first client connected.
 *
 * <p>Time to warm is the first second after which every 1-second window has delivery p99 under
 * {@value #WARM_P99_MILLIS} ms. The series goes to {@code coldstart-<target>-<jdk>.csv} for {@link ColdStartPlot}.
 */
final class ColdStart {

    static final double WARM_P99_MILLIS = 25;
    /** Windows from here on count as warm for the "warm p99" figure. */
    private static final int WARM_FROM_SECOND = 20;

    private ColdStart() {
    }

    static Map<String, Double> run(Scenarios scenarios, Connector connector, Settings settings, String target,
            String tag) {
        long start = System.nanoTime();
        int members = settings.coldStartRooms * settings.coldStartRoomSize;
        PerSecond delivery = new PerSecond(start, settings.coldStartSeconds);
        PerSecond confirmation = new PerSecond(start, settings.coldStartSeconds);
        AtomicInteger failures = new AtomicInteger();
        List<Client> clients = scenarios.open(connector, 0, members,
                index -> "cold-" + tag + "-" + index / settings.coldStartRoomSize, failures);
        double connectedAfter = (System.nanoTime() - start) / 1e9;
        Protocol.Events events = new Protocol.Events() {
            @Override
            public void message(Client client, String body) {
                long sent = Body.sendNanos(body);
                delivery.record(sent, System.nanoTime() - sent);
            }

            @Override
            public void confirmed(Client client, String body) {
                if (Body.sender(body) == client.index) {
                    long sent = Body.sendNanos(body);
                    confirmation.record(sent, System.nanoTime() - sent);
                }
            }

            @Override
            public void ack(Client client, long ackId) {
            }
        };
        clients.forEach(client -> client.listen(events));
        AtomicLong seq = new AtomicLong();
        List<ScheduledFuture<?>> schedules = new ArrayList<>();
        long period = settings.coldStartIntervalMillis;
        for (Client client : clients) {
            String room = "cold-" + tag + "-" + client.index / settings.coldStartRoomSize;
            schedules.add(client.channel().eventLoop().scheduleAtFixedRate(() -> scenarios.sendTimed(client, room, seq),
                    ThreadLocalRandom.current().nextLong(period), period, TimeUnit.MILLISECONDS));
        }
        long end = start + TimeUnit.SECONDS.toNanos(settings.coldStartSeconds);
        ServerProcess.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
        schedules.forEach(schedule -> schedule.cancel(false));
        ServerProcess.sleep(3000); // the last second's answers

        int warm = delivery.timeToWarm(WARM_P99_MILLIS);
        double[] first = delivery.range(0, 10).percentilesMillis();
        double[] warmDelivery = delivery.range(WARM_FROM_SECOND, delivery.length()).percentilesMillis();
        double[] warmConfirm = confirmation.range(WARM_FROM_SECOND, confirmation.length()).percentilesMillis();
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("coldstart.connectedAfterSeconds", connectedAfter);
        out.put("coldstart.timeToWarmSeconds", warm < 0 ? Double.NaN : (double) warm);
        out.put("coldstart.first10s.p99Ms", first[1]);
        out.put("coldstart.warm.p50Ms", warmDelivery[0]);
        out.put("coldstart.warm.p99Ms", warmDelivery[1]);
        out.put("coldstart.warm.p999Ms", warmDelivery[2]);
        out.put("coldstart.warm.confirmP99Ms", warmConfirm[1]);
        out.put("coldstart.messagesSent", (double) seq.get());
        out.put("coldstart.failures", (double) failures.get());
        System.out.printf("  %d members joined %.1f s after the start; time to warm %s; first 10 s p99 %.1f ms;"
                + " from %d s on: delivery p50 %.2f / p99 %.2f / p99.9 %.2f ms, confirmation p99 %.2f ms%n", members,
                connectedAfter, warm < 0 ? "never (within the run)" : warm + " s", first[1], WARM_FROM_SECOND,
                warmDelivery[0], warmDelivery[1], warmDelivery[2], warmConfirm[1]);
        writeSeries(settings.out.resolve("coldstart-" + target + "-" + settings.jdkLabel + ".csv"), delivery,
                confirmation);
        Connector.closeAll(clients);
        return out;
    }

    private static void writeSeries(Path file, PerSecond delivery, PerSecond confirmation) {
        StringBuilder csv = new StringBuilder("second,deliveries,p50Ms,p99Ms,p999Ms,confirms,confirmP50Ms,"
                + "confirmP99Ms,confirmP999Ms\n");
        for (int i = 0; i < delivery.length(); i++) {
            double[] d = delivery.second(i).percentilesMillis();
            double[] c = confirmation.second(i).percentilesMillis();
            csv.append(i).append(',').append(delivery.second(i).count()).append(',')
                    .append(d[0]).append(',').append(d[1]).append(',').append(d[2]).append(',')
                    .append(confirmation.second(i).count()).append(',')
                    .append(c[0]).append(',').append(c[1]).append(',').append(c[2]).append('\n');
        }
        try {
            Files.writeString(file, csv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
