package dev.signalgate.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * 7. A retry storm while new traffic flows: {@code stormClients} clients, each alone in its room, have
 * {@code stormMessages} messages stored and confirmed; then all of them resend every message at once with the same
 * tempIds (what the adapter does after an outage in which the confirmations were lost), while the members of the
 * knee phase keep sending new messages open loop at {@code stormRate} msg/s.
 *
 * <p>Reported: the time from the storm's start until every retry is answered (each with the stored message's
 * {@code chat:confirmed}; a failed retry is counted), and the new messages' confirm lag p99 during the storm (sent
 * between its start and its last answer, or in its first second if it was over sooner) beside the same figure for
 * the {@code stormBaselineSeconds} before it.
 */
final class RetryStorm {

    private RetryStorm() {
    }

    static Map<String, Double> run(Scenarios scenarios, Connector connector, List<Client> members,
            Settings settings, String tag) {
        Map<String, Double> out = new LinkedHashMap<>();
        AtomicInteger connectFailures = new AtomicInteger();
        int base = members.size();
        List<Client> stormers = scenarios.open(connector, base, settings.stormClients,
                index -> "storm-" + tag + "-" + index, connectFailures);
        int total = stormers.size() * settings.stormMessages;

        Recorder baseline = new Recorder();
        Recorder during = new Recorder();
        AtomicLong stormStart = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastAnswer = new AtomicLong();
        AtomicLong baselineStart = new AtomicLong(Long.MAX_VALUE);
        LongAdder prefilled = new LongAdder();
        LongAdder answered = new LongAdder();
        LongAdder retriesFailed = new LongAdder();
        LongAdder newFailed = new LongAdder();
        // Messages sent during the storm whose confirmation is still to come: their lag is kept apart until the
        // storm's end is known.
        List<long[]> afterStart = java.util.Collections.synchronizedList(new ArrayList<>());

        Protocol.Events events = new Protocol.Events() {
            @Override
            public void confirmed(Client client, String body) {
                if (Body.sender(body) != client.index) {
                    return;
                }
                long now = System.nanoTime();
                if (client.index >= base) {
                    if (now < stormStart.get()) {
                        prefilled.increment();
                    } else {
                        answered.increment();
                        lastAnswer.accumulateAndGet(now, Math::max);
                    }
                    return;
                }
                long sent = Body.sendNanos(body);
                if (sent >= stormStart.get()) {
                    afterStart.add(new long[] {sent, now - sent});
                } else if (sent >= baselineStart.get()) {
                    baseline.record(now - sent);
                }
            }

            @Override
            public void failed(Client client, String from, String tempId) {
                if (!client.userId.equals(from)) {
                    return;
                }
                if (client.index >= base) {
                    if (System.nanoTime() >= stormStart.get()) {
                        retriesFailed.increment();
                        answered.increment();
                    }
                } else {
                    newFailed.increment();
                }
            }

            @Override
            public void ack(Client client, long ackId) {
            }
        };
        members.forEach(client -> client.listen(events));
        stormers.forEach(client -> client.listen(events));

        // The messages to be retried, stored first.
        stormers.forEach(client -> client.channel().eventLoop().execute(() -> burst(scenarios, client, tag,
                settings.stormMessages)));
        awaitCount(prefilled, total, 60);

        OpenLoop traffic = OpenLoop.start(scenarios, members, settings.stormRate,
                client -> Knee.room(tag, settings, client), (client, n) -> "n-" + client.index + "-" + n);
        ServerProcess.sleep(1000);
        baselineStart.set(System.nanoTime());
        ServerProcess.sleep(settings.stormBaselineSeconds * 1000L);

        stormStart.set(System.nanoTime());
        stormers.forEach(client -> client.channel().eventLoop().execute(() -> burst(scenarios, client, tag,
                settings.stormMessages)));
        boolean complete = awaitCount(answered, total, 60);
        long end = complete ? lastAnswer.get() : System.nanoTime();
        // "During" is at least a second, so that a storm answered in milliseconds still has a p99 of its own.
        long duringEnd = Math.max(end, stormStart.get() + TimeUnit.SECONDS.toNanos(1));
        // New traffic goes on a while, so that messages sent late in the storm are answered before it stops.
        ServerProcess.sleep(TimeUnit.NANOSECONDS.toMillis(duringEnd - stormStart.get()) + 2000);
        traffic.stop();
        ServerProcess.sleep(2000);
        synchronized (afterStart) {
            for (long[] sample : afterStart) {
                if (sample[0] <= duringEnd) {
                    during.record(sample[1]);
                }
            }
        }

        double answerSeconds = (end - stormStart.get()) / 1e9;
        double[] base99 = baseline.percentilesMillis();
        double[] storm99 = during.percentilesMillis();
        out.put("storm.retries", (double) total);
        out.put("storm.answered", (double) answered.sum());
        out.put("storm.answerSeconds", complete ? answerSeconds : Double.NaN);
        out.put("storm.retriesFailed", (double) retriesFailed.sum());
        out.put("storm.newPerSecond", settings.stormRate * 1.0);
        out.put("storm.newDuringStorm", (double) during.count());
        out.put("storm.newP50Ms", storm99[0]);
        out.put("storm.newP99Ms", storm99[1]);
        out.put("storm.newMaxMs", storm99[3]);
        out.put("storm.baselineP99Ms", base99[1]);
        out.put("storm.newFailed", (double) newFailed.sum());
        System.out.printf(Locale.ROOT, "  retry storm: %,d retries (%d clients x %d) answered in %s (%d failed);"
                        + " new messages at %,d msg/s: confirm p99 %.1f ms during the storm (%d messages, max %.1f ms)"
                        + " vs %.1f ms before it; %d new messages failed%n", total, stormers.size(),
                settings.stormMessages, complete ? String.format(Locale.ROOT, "%.2f s", answerSeconds)
                        : "not within 60 s (" + answered.sum() + " answered)",
                retriesFailed.sum(), settings.stormRate, storm99[1], during.count(), storm99[3], base99[1],
                newFailed.sum());
        Connector.closeAll(stormers);
        return out;
    }

    /** Sends messages 1..count of the client (the same tempIds every time), flushed once. */
    private static void burst(Scenarios scenarios, Client client, String tag, int count) {
        String room = "storm-" + tag + "-" + client.index;
        for (int n = 1; n <= count; n++) {
            scenarios.writeOwn(client, room, "s" + client.index + "-" + n, n);
        }
        client.flush();
    }

    private static boolean awaitCount(LongAdder counter, long target, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (counter.sum() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            ServerProcess.sleep(20);
        }
        return true;
    }
}
