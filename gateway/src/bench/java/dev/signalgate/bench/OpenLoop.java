package dev.signalgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongFunction;

/**
 * Open-loop chat senders: every member sends on a fixed schedule, whatever the server answers (a slow server does
 * not slow them down; its queue grows), so that a total offered rate is held: {@code rate / members} messages per
 * second each, at a random phase, from each client's own event loop (as {@link ColdStart} does).
 */
final class OpenLoop {

    private final List<ScheduledFuture<?>> schedules = new ArrayList<>();
    private final LongAdder sent = new LongAdder();

    private OpenLoop() {
    }

    /**
     * Starts sending; {@code roomOf} names each client's room, {@code tempIdOf} makes a tempId from the client
     * and its message number.
     */
    static OpenLoop start(Scenarios scenarios, List<Client> clients, double rate,
            java.util.function.Function<Client, String> roomOf, TempIds tempIdOf) {
        return start(scenarios, clients, rate, roomOf, tempIdOf, Long.MAX_VALUE);
    }

    /** The same, sending nothing from {@code untilNanos} ({@link System#nanoTime()}) on. */
    static OpenLoop start(Scenarios scenarios, List<Client> clients, double rate,
            java.util.function.Function<Client, String> roomOf, TempIds tempIdOf, long untilNanos) {
        OpenLoop loop = new OpenLoop();
        long periodMicros = Math.max(1, Math.round(clients.size() * 1e6 / rate));
        for (Client client : clients) {
            String room = roomOf.apply(client);
            LongFunction<String> tempIds = n -> tempIdOf.of(client, n);
            loop.schedules.add(client.channel().eventLoop().scheduleAtFixedRate(() -> {
                long now = System.nanoTime();
                if (now >= untilNanos) {
                    return;
                }
                scenarios.sendOwn(client, room, tempIds, now);
                loop.sent.increment();
            }, ThreadLocalRandom.current().nextLong(periodMicros), periodMicros, TimeUnit.MICROSECONDS));
        }
        return loop;
    }

    /** Makes the tempId of message {@code n} of a client. */
    interface TempIds {
        String of(Client client, long n);
    }

    long sent() {
        return sent.sum();
    }

    void stop() {
        schedules.forEach(schedule -> schedule.cancel(false));
    }
}
