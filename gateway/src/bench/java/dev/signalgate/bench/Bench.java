package dev.signalgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The side-by-side benchmark: the gateway and the Socket.IO peer, alternately (gateway, socket.io, gateway, …),
 * each on a fresh server, through the same load driver and the same measurements:
 * <ol>
 * <li>connection density: idle authenticated connections, each joined to a room; heap after a full GC and RSS per
 * connection at each step;</li>
 * <li>fan-out: deliveries per second into a 1,000-member room, one publisher at full speed (closed loop);</li>
 * <li>latency: publish-to-receive percentiles at a fixed moderate load;</li>
 * <li>persistence (gateway only): confirmed messages per second and send-to-confirm lag;</li>
 * <li>cold start: an open-loop chat load from the first second of a fresh server, latency per second
 * ({@link ColdStart});</li>
 * <li>persistence knee (gateway only, phase {@code knee}): open-loop stored messages at offered rates in steps
 * ({@link Knee});</li>
 * <li>retry storm (gateway only, phase {@code storm}): clients resend everything at once while new messages flow
 * ({@link RetryStorm});</li>
 * <li>HTTP fallback (gateway only, phase {@code fallback}): heap per idle HTTP session and its delivery latency,
 * each beside the WebSocket's on the same server ({@link Fallback}).</li>
 * </ol>
 * Prints the table and writes it, with every round's raw figures and the machine, to
 * {@code <bench.out>/results.json}. Run it through {@code gateway/bench/run.sh}.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Settings settings = new Settings();
        Files.createDirectories(settings.out);
        String secret = HexFormat.of().formatHex(randomBytes(24));
        Jwt jwt = new Jwt(secret);
        Map<String, Object> machine = Machine.describe(settings);
        System.out.println("machine: " + machine);
        System.out.println("settings: " + settings.describe());
        if (settings.maxConnections < Arrays.stream(settings.densitySteps).max().orElse(0)) {
            System.out.printf("note: open-file limit %d caps every process at %,d connections; larger density"
                    + " steps are measured at that count%n", settings.fileLimit, settings.maxConnections);
        }

        Map<String, List<Map<String, Double>>> results = new LinkedHashMap<>();
        List<Map<String, Object>> rounds = new ArrayList<>();
        AtomicReference<ServerProcess> current = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ServerProcess server = current.get();
            if (server != null) {
                server.close();
            }
        }));

        for (int round = 1; round <= settings.rounds; round++) {
            for (String target : settings.targets) {
                Protocol protocol = target.equals("gateway") ? new Protocol.Gateway() : new Protocol.SocketIo();
                Map<String, Double> metrics = new LinkedHashMap<>();
                String tag = "r" + round + (target.equals("gateway") ? "g" : "s");
                System.out.printf("%n=== round %d: %s ===%n", round, protocol.name());
                Client.UNEXPECTED_CLOSES.set(0);
                Client.ERRORS.set(0);
                metrics.put("loadAverageAtStart", Machine.loadAverage());
                if (settings.phases.contains("density")) {
                    try (ServerProcess server = start(settings, target, secret, tag + "-density", current);
                            Connector connector = new Connector("127.0.0.1", server.port, settings.clientThreads)) {
                        System.out.println("-- connection density");
                        boolean profile = settings.profile && round == 1 && server instanceof ServerProcess.Gateway;
                        metrics.putAll(new Scenarios(settings, protocol, server, jwt, tag).density(connector,
                                settings.densitySteps, recordingStart(profile, server, "connect"),
                                recordingStop(profile, server, "connect", settings.out)));
                    }
                }
                if (settings.phases.contains("coldstart")) {
                    try (ServerProcess server = start(settings, target, secret, tag + "-coldstart", current);
                            Connector connector = new Connector("127.0.0.1", server.port, settings.clientThreads)) {
                        System.out.println("-- cold start: open-loop chat load from the first second");
                        metrics.putAll(ColdStart.run(new Scenarios(settings, protocol, server, jwt, tag), connector,
                                settings, target, tag));
                    }
                }
                if (settings.phases.stream().anyMatch(phase -> !phase.equals("density")
                        && !phase.equals("coldstart"))) {
                    try (ServerProcess server = start(settings, target, secret, tag + "-traffic", current);
                            Connector connector = new Connector("127.0.0.1", server.port, settings.clientThreads)) {
                        Scenarios scenarios = new Scenarios(settings, protocol, server, jwt, tag);
                        boolean profile = settings.profile && round == 1 && server instanceof ServerProcess.Gateway;
                        if (settings.phases.contains("fanout")) {
                            System.out.println("-- fan-out");
                            metrics.putAll(scenarios.fanOut(connector, recordingStart(profile, server, "fanout"),
                                    recordingStop(profile, server, "fanout", settings.out)));
                        }
                        if (settings.phases.contains("latency")) {
                            System.out.println("-- latency at moderate load");
                            metrics.putAll(scenarios.latency(connector));
                        }
                        if (settings.phases.contains("persistence") && target.equals("gateway")) {
                            System.out.println("-- persistence");
                            metrics.putAll(scenarios.persistence(connector,
                                    recordingStart(profile, server, "persistence"),
                                    recordingStop(profile, server, "persistence", settings.out)));
                        }
                        if ((settings.phases.contains("knee") || settings.phases.contains("storm"))
                                && target.equals("gateway")) {
                            metrics.putAll(openLoopPersistence(settings, scenarios, connector, tag));
                        }
                        if (settings.phases.contains("fallback") && target.equals("gateway")) {
                            metrics.putAll(Fallback.run(scenarios, connector, settings, server, jwt, tag));
                        }
                        if (!server.isAlive()) {
                            throw new IllegalStateException(protocol.name() + " died during the run; see "
                                    + server.logFile);
                        }
                    }
                }
                metrics.put("loadAverageAtEnd", Machine.loadAverage());
                metrics.put("unexpectedCloses", (double) Client.UNEXPECTED_CLOSES.get());
                metrics.put("errorFrames", (double) Client.ERRORS.get());
                if (Client.UNEXPECTED_CLOSES.get() + Client.ERRORS.get() > 0) {
                    System.out.printf("  note: %d connections closed by the server, %d error frames%n",
                            Client.UNEXPECTED_CLOSES.get(), Client.ERRORS.get());
                }
                results.computeIfAbsent(protocol.name(), name -> new ArrayList<>()).add(metrics);
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("round", round);
                entry.put("target", protocol.name());
                entry.put("metrics", metrics);
                rounds.add(entry);
            }
        }

        Report report = new Report(settings);
        String table = report.table(results);
        System.out.println();
        System.out.println(table);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("generated", Instant.now().toString());
        json.put("command", Settings.string("bench.command", "gateway/bench/run.sh"));
        json.put("machine", machine);
        json.put("settings", settings.describe());
        json.put("summary", report.summary(results));
        json.put("rounds", rounds);
        Path out = settings.out.resolve("results.json");
        Files.writeString(out, Report.json(json, "") + "\n");
        Files.writeString(settings.out.resolve("results.md"), table);
        System.out.println("written: " + out + " and results.md beside it");
    }

    /** Phases 6 and 7 on the same members: the retry storm, then the knee steps. */
    private static Map<String, Double> openLoopPersistence(Settings settings, Scenarios scenarios,
            Connector connector, String tag) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        List<Client> members = scenarios.open(connector, 0, settings.kneeRooms * settings.kneeRoomSize,
                index -> "knee-" + tag + "-" + index / settings.kneeRoomSize, failures);
        metrics.put("knee.connectFailures", (double) failures.get());
        // A fresh JVM first warms up under the same chat load (about 20 s, phase coldstart), or the first
        // figures measure the JIT.
        System.out.printf("-- warm-up: %d s at %,d stored msg/s%n", settings.kneeInitialWarmupSeconds,
                settings.stormRate);
        OpenLoop warmup = OpenLoop.start(scenarios, members, settings.stormRate,
                client -> Knee.room(tag, settings, client), (client, n) -> "w-" + client.index + "-" + n);
        ServerProcess.sleep(settings.kneeInitialWarmupSeconds * 1000L);
        warmup.stop();
        ServerProcess.sleep(2000);
        // The storm before the knee: the knee's top steps overload the box, and the server closes members the
        // driver cannot keep up with (4008).
        if (settings.phases.contains("storm")) {
            System.out.println("-- retry storm while new messages flow");
            metrics.putAll(RetryStorm.run(scenarios, connector, members, settings, tag));
        }
        if (settings.phases.contains("knee")) {
            System.out.println("-- persistence knee: open-loop stored messages, offered rate in steps");
            metrics.putAll(Knee.run(scenarios, members, settings, tag));
        }
        Connector.closeAll(members);
        return metrics;
    }

    private static ServerProcess start(Settings settings, String target, String secret, String name,
            AtomicReference<ServerProcess> current) {
        Path logs = settings.out.resolve("logs");
        ServerProcess server = target.equals("gateway")
                ? new ServerProcess.Gateway(settings.jar, settings.out.resolve("data-" + name), secret,
                        List.of(settings.gatewayJvmOptions.split("\\s+")), settings.gatewayJavaHome,
                        settings.gatewayLaunch.isEmpty() ? null : Path.of(settings.gatewayLaunch),
                        logs.resolve(name + ".log"))
                : new ServerProcess.SocketIo(settings.socketIoServer, secret, logs.resolve(name + ".log"));
        current.set(server);
        server.start();
        System.out.printf("%s started (pid %d, port %d)%n", server.name(), server.pid(), server.port);
        return server;
    }

    private static Runnable recordingStart(boolean profile, ServerProcess server, String name) {
        if (!profile) {
            return () -> {
            };
        }
        return () -> ((ServerProcess.Gateway) server).jcmd("JFR.start", "name=" + name, "settings=profile");
    }

    private static Runnable recordingStop(boolean profile, ServerProcess server, String name, Path out) {
        if (!profile) {
            return () -> {
            };
        }
        return () -> {
            Path file = out.resolve("profile-" + name + ".jfr").toAbsolutePath();
            ((ServerProcess.Gateway) server).jcmd("JFR.stop", "name=" + name, "filename=" + file);
            String summary = Profile.summarize(file, 25);
            Profile.write(out.resolve("profile-" + name + ".txt"), summary);
            System.out.println(summary.lines().limit(40).reduce("", (a, b) -> a + "    " + b + "\n"));
        };
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    /** What the figures were measured on. */
    static final class Machine {

        private Machine() {
        }

        static Map<String, Object> describe(Settings settings) {
            Map<String, Object> machine = new LinkedHashMap<>();
            machine.put("cpus", Runtime.getRuntime().availableProcessors());
            machine.put("cpuModel", firstValue("/proc/cpuinfo", "model name"));
            machine.put("memory", firstValue("/proc/meminfo", "MemTotal"));
            machine.put("os", osName() + ", kernel " + read("/proc/sys/kernel/osrelease").trim());
            machine.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
            machine.put("node", nodeVersion());
            machine.put("openFileLimit", settings.fileLimit);
            machine.put("loadAverage", read("/proc/loadavg").trim());
            return machine;
        }

        /** The 1-minute load average: other work on the machine skews every figure. */
        static double loadAverage() {
            String[] fields = read("/proc/loadavg").trim().split("\\s+");
            return fields.length > 0 && !fields[0].isEmpty() ? Double.parseDouble(fields[0]) : Double.NaN;
        }

        private static String osName() {
            for (String line : read("/etc/os-release").split("\n")) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring(12).replace("\"", "");
                }
            }
            return System.getProperty("os.name");
        }

        private static String nodeVersion() {
            try {
                return ServerProcess.run(List.of("node", "--version")).trim();
            } catch (RuntimeException e) {
                return "not found";
            }
        }

        private static String firstValue(String file, String key) {
            for (String line : read(file).split("\n")) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
            return "?";
        }

        private static String read(String file) {
            try {
                return Files.readString(Path.of(file));
            } catch (IOException | UncheckedIOException e) {
                return "";
            }
        }
    }
}
