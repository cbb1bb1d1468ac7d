package dev.signalgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * 6. The persistence knee, open loop: {@code kneeRooms} rooms of {@code kneeRoomSize} members send stored chat
 * messages at offered rates in steps ({@code kneeSteps}, msg/s in all), each step held for {@code kneeSeconds}
 * after {@code kneeWarmupSeconds} at the same rate. People type at their own pace whatever the server does, so a
 * store beyond capacity shows as queueing and {@code chat:failed}, not as a slower sender (which is all the
 * closed-loop {@code persistence} phase can show).
 *
 * <p>Per step: the confirmed rate (own {@code chat:confirmed} received while the step is measured), the
 * {@code chat:failed} count and the send-to-confirm lag p50/p99/p99.9 of the messages sent while it is measured
 * (however late they are confirmed). After each step the senders stop until its messages are answered, so the
 * next step starts from an empty queue (the server was warmed up before, see {@code Bench}). The knee is the highest step with 0 failed, none unanswered, no member closed by the
 * server (4008: the driver fell behind) and p99 under {@value #KNEE_P99_MILLIS} ms.
 */
final class Knee {

    static final double KNEE_P99_MILLIS = 250;

    /** One step's counts. */
    private static final class Step {
        final int rate;
        final LongAdder confirmedInWindow = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder failedInWarmup = new LongAdder();
        final Recorder lag = new Recorder();
        volatile long start = Long.MAX_VALUE;
        volatile long end = Long.MAX_VALUE;
        long sent;

        Step(int rate) {
            this.rate = rate;
        }

        boolean inWindow(long nanos) {
            return nanos >= start && nanos < end;
        }
    }

    private Knee() {
    }

    static String room(String tag, Settings settings, Client client) {
        return "knee-" + tag + "-" + client.index / settings.kneeRoomSize;
    }

    static Map<String, Double> run(Scenarios scenarios, List<Client> clients, Settings settings, String tag) {
        Step[] steps = new Step[settings.kneeSteps.length];
        for (int i = 0; i < steps.length; i++) {
            steps[i] = new Step(settings.kneeSteps[i]);
        }
        Protocol.Events events = new Protocol.Events() {
            @Override
            public void confirmed(Client client, String body) {
                if (Body.sender(body) != client.index) {
                    return;
                }
                long now = System.nanoTime();
                long sent = Body.sendNanos(body);
                for (Step step : steps) {
                    if (step.inWindow(sent)) {
                        step.lag.record(now - sent);
                    }
                    if (step.inWindow(now)) {
                        step.confirmedInWindow.increment();
                    }
                }
            }

            @Override
            public void failed(Client client, String from, String tempId) {
                // tempIds are k<step>m-… (measured) or k<step>w-… (warm-up)
                if (!client.userId.equals(from) || tempId == null || !tempId.startsWith("k")) {
                    return;
                }
                int dash = tempId.indexOf('-');
                int index = Integer.parseInt(tempId.substring(1, dash - 1));
                (tempId.charAt(dash - 1) == 'm' ? steps[index].failed : steps[index].failedInWarmup).increment();
            }

            @Override
            public void ack(Client client, long ackId) {
            }
        };
        clients.forEach(client -> client.listen(events));

        Map<String, Double> out = new LinkedHashMap<>();
        int knee = 0;
        for (int i = 0; i < steps.length; i++) {
            Step step = steps[i];
            int index = i;
            long closedBefore = Client.UNEXPECTED_CLOSES.get();
            int warmupSeconds = settings.kneeWarmupSeconds;
            OpenLoop warmup = OpenLoop.start(scenarios, clients, step.rate, client -> room(tag, settings, client),
                    (client, n) -> "k" + index + "w-" + client.index + "-" + n);
            ServerProcess.sleep(warmupSeconds * 1000L);
            warmup.stop();
            long now = System.nanoTime();
            step.end = now + TimeUnit.SECONDS.toNanos(settings.kneeSeconds);
            step.start = now;
            OpenLoop measured = OpenLoop.start(scenarios, clients, step.rate, client -> room(tag, settings, client),
                    (client, n) -> "k" + index + "m-" + client.index + "-" + n, step.end);
            ServerProcess.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(step.end - System.nanoTime())) + 50);
            measured.stop();
            step.sent = measured.sent();
            awaitAnswers(step, settings.kneeDrainSeconds);

            double[] p = step.lag.percentilesMillis();
            double confirmedRate = step.confirmedInWindow.sum() / (double) settings.kneeSeconds;
            long unanswered = step.sent - step.lag.count() - step.failed.sum();
            String key = "knee." + step.rate;
            out.put(key + ".offeredPerSecond", step.sent / (double) settings.kneeSeconds);
            out.put(key + ".confirmedPerSecond", confirmedRate);
            out.put(key + ".failed", (double) step.failed.sum());
            out.put(key + ".unanswered", (double) Math.max(0, unanswered));
            out.put(key + ".lagP50Ms", p[0]);
            out.put(key + ".lagP99Ms", p[1]);
            out.put(key + ".lagP999Ms", p[2]);
            long closed = Client.UNEXPECTED_CLOSES.get() - closedBefore;
            out.put(key + ".closedConnections", (double) closed);
            boolean healthy = step.failed.sum() == 0 && unanswered <= 0 && closed == 0 && p[1] < KNEE_P99_MILLIS;
            if (healthy && knee == i) {
                knee = i + 1;
            }
            System.out.printf(Locale.ROOT, "  offered %,d msg/s: %,.0f confirmed/s, %d failed (%d in warm-up), %d"
                    + " unanswered, %d members closed by the server; confirm lag p50 %.1f / p99 %.1f / p99.9 %.1f ms%n",
                    step.rate, confirmedRate, step.failed.sum(), step.failedInWarmup.sum(), Math.max(0, unanswered),
                    closed, p[0], p[1], p[2]);
        }
        double kneeRate = knee == 0 ? 0 : steps[knee - 1].rate;
        out.put("knee.msgPerSecond", kneeRate);
        System.out.printf(Locale.ROOT, "  knee: %,.0f msg/s (highest step with 0 failed and p99 < %.0f ms)%n",
                kneeRate, KNEE_P99_MILLIS);
        write(settings, table(steps, out, settings));
        return out;
    }

    /** Waits until every measured message of the step is confirmed or failed, at most {@code seconds}. */
    private static void awaitAnswers(Step step, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline && step.lag.count() + step.failed.sum() < step.sent) {
            ServerProcess.sleep(100);
        }
    }

    private static String table(Step[] steps, Map<String, Double> out, Settings settings) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
                "%d rooms of %d, %d s per step after %d s of warm-up%n%n", settings.kneeRooms, settings.kneeRoomSize,
                settings.kneeSeconds, settings.kneeWarmupSeconds));
        md.append("| offered msg/s | confirmed msg/s | chat:failed + unanswered | members closed | confirm p50 | p99"
                + " | p99.9 |\n");
        md.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Step step : steps) {
            String key = "knee." + step.rate;
            md.append(String.format(Locale.ROOT, "| %,d | %,.0f | %,.0f | %,.0f | %.1f ms | %.1f ms | %.1f ms |%n",
                    step.rate, out.get(key + ".confirmedPerSecond"),
                    out.get(key + ".failed") + out.get(key + ".unanswered"), out.get(key + ".closedConnections"),
                    out.get(key + ".lagP50Ms"), out.get(key + ".lagP99Ms"), out.get(key + ".lagP999Ms")));
        }
        md.append(String.format(Locale.ROOT, "%nknee: %,.0f msg/s%n", out.get("knee.msgPerSecond")));
        return md.toString();
    }

    private static void write(Settings settings, String markdown) {
        try {
            Files.writeString(settings.out.resolve("knee.md"), markdown);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.print(markdown.lines().map(line -> "  " + line + "\n").reduce("", String::concat));
    }
}
