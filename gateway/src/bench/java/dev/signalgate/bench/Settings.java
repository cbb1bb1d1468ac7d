package dev.signalgate.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's knobs, from {@code -Dbench.*} system properties ({@code gateway/bench/run.sh} maps its
 * environment variables onto them). Defaults reproduce the published table.
 */
final class Settings {

    final Path out = Path.of(string("bench.out", "gateway/target/bench"));
    final Path jar = Path.of(string("bench.jar", "gateway/target/gateway.jar"));
    final Path socketIoServer = Path.of(string("bench.socketio", "gateway/bench/socketio/server.js"));
    final List<String> targets = List.of(string("bench.targets", "gateway,socket.io").split(","));
    final List<String> phases = List.of(string("bench.phases", "density,fanout,latency,persistence").split(","));
    final int rounds = integer("bench.rounds", 2);
    final int[] densitySteps = Arrays.stream(string("bench.density.steps", "10000,50000").split(","))
            .mapToInt(step -> Integer.parseInt(step.trim())).toArray();
    final int densityRoomSize = integer("bench.density.roomSize", 10);
    final int fanoutMembers = integer("bench.fanout.members", 1000);
    final int fanoutWindow = integer("bench.fanout.window", 64);
    final int latencyBigRate = integer("bench.latency.bigRate", 10);
    final int smallRooms = integer("bench.latency.smallRooms", 100);
    final int smallRoomSize = integer("bench.latency.smallRoomSize", 10);
    final int smallIntervalSeconds = integer("bench.latency.smallIntervalSeconds", 10);
    final int persistenceRooms = integer("bench.persistence.rooms", 100);
    final int persistenceWindow = integer("bench.persistence.window", 8);
    final int warmupSeconds = integer("bench.warmupSeconds", 3);
    final int measureSeconds = integer("bench.measureSeconds", 15);
    final int settleSeconds = integer("bench.settleSeconds", 2);
    final int connectConcurrency = integer("bench.connectConcurrency", 200);
    final int clientThreads = integer("bench.clientThreads", 2);
    final boolean profile = Boolean.parseBoolean(string("bench.profile", "false"));
    final String gatewayJvmOptions = string("bench.gatewayJvm", "-Xms1g -Xmx4g -XX:+UseG1GC -XX:MaxGCPauseMillis=20");
    /** The JDK the gateway runs on (the driver's own by default); {@code jdkLabel} names it in the results. */
    final Path gatewayJavaHome = Path.of(string("bench.gatewayJavaHome", System.getProperty("java.home")));
    final String jdkLabel = string("bench.jdkLabel", "jdk" + Runtime.version().feature());
    /** A directory made by {@code gateway/bin/prepare-launch}: the gateway starts from it, with its class cache. */
    final String gatewayLaunch = string("bench.gatewayLaunch", "");
    final int coldStartRooms = integer("bench.coldstart.rooms", 50);
    final int coldStartRoomSize = integer("bench.coldstart.roomSize", 10);
    final int coldStartIntervalMillis = integer("bench.coldstart.intervalMillis", 500);
    final int coldStartSeconds = integer("bench.coldstart.seconds", 40);
    final int[] kneeSteps = Arrays.stream(string("bench.knee.steps", "500,1000,2000,4000,8000").split(","))
            .mapToInt(step -> Integer.parseInt(step.trim())).toArray();
    final int kneeRooms = integer("bench.knee.rooms", 50);
    final int kneeRoomSize = integer("bench.knee.roomSize", 10);
    final int kneeWarmupSeconds = integer("bench.knee.warmupSeconds", 5);
    /** Before the storm and the knee, at the storm's rate: a fresh server needs about 20 s to warm (coldstart). */
    final int kneeInitialWarmupSeconds = integer("bench.knee.initialWarmupSeconds", 20);
    final int kneeSeconds = integer("bench.knee.seconds", 30);
    /** How long a step waits for its last answers: more than the gateway's write timeout (5 s). */
    final int kneeDrainSeconds = integer("bench.knee.drainSeconds", 8);
    final int stormClients = integer("bench.storm.clients", 30);
    final int stormMessages = integer("bench.storm.messages", 100);
    final int stormRate = integer("bench.storm.rate", 1000);
    final int stormBaselineSeconds = integer("bench.storm.baselineSeconds", 5);
    /** Phase fallback: idle HTTP sessions (and as many WebSocket connections) for heap per connection. */
    final int fallbackSessions = integer("bench.fallback.sessions", 2000);
    final int fallbackRooms = integer("bench.fallback.rooms", 20);
    final int fallbackRoomSize = integer("bench.fallback.roomSize", 10);
    final int fallbackIntervalMillis = integer("bench.fallback.intervalMillis", 2000);
    final int fileLimit = openFileLimit();
    /** Connections one process can hold here: the open-file limit less room for everything else. */
    final int maxConnections = Math.max(100, fileLimit - 1000);

    Map<String, Object> describe() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("rounds", rounds);
        map.put("targets", targets);
        map.put("phases", phases);
        map.put("densitySteps", Arrays.stream(densitySteps).boxed().toList());
        map.put("densityRoomSize", densityRoomSize);
        map.put("openFileLimit", fileLimit);
        map.put("fanoutMembers", fanoutMembers);
        map.put("fanoutWindow", fanoutWindow);
        map.put("latencyBigRoomMessagesPerSecond", latencyBigRate);
        map.put("latencySmallRooms", smallRooms);
        map.put("latencySmallRoomSize", smallRoomSize);
        map.put("latencySmallRoomMemberIntervalSeconds", smallIntervalSeconds);
        map.put("persistenceRooms", persistenceRooms);
        map.put("persistenceWindowPerSender", persistenceWindow);
        map.put("warmupSeconds", warmupSeconds);
        map.put("measureSeconds", measureSeconds);
        map.put("clientThreads", clientThreads);
        map.put("gatewayJvmOptions", gatewayJvmOptions);
        map.put("gatewayJdk", jdkLabel);
        map.put("gatewayLaunch", gatewayLaunch.isEmpty() ? "java -jar" : "gateway/bin/launch (class cache)");
        map.put("coldStartRooms", coldStartRooms);
        map.put("coldStartRoomSize", coldStartRoomSize);
        map.put("coldStartMemberIntervalMillis", coldStartIntervalMillis);
        map.put("coldStartSeconds", coldStartSeconds);
        map.put("kneeSteps", Arrays.stream(kneeSteps).boxed().toList());
        map.put("kneeRooms", kneeRooms);
        map.put("kneeRoomSize", kneeRoomSize);
        map.put("kneeWarmupSeconds", kneeWarmupSeconds);
        map.put("kneeInitialWarmupSeconds", kneeInitialWarmupSeconds);
        map.put("kneeSeconds", kneeSeconds);
        map.put("stormClients", stormClients);
        map.put("stormMessages", stormMessages);
        map.put("stormNewMessagesPerSecond", stormRate);
        map.put("fallbackSessions", fallbackSessions);
        map.put("fallbackRooms", fallbackRooms);
        map.put("fallbackRoomSize", fallbackRoomSize);
        map.put("fallbackMemberIntervalMillis", fallbackIntervalMillis);
        return map;
    }

    static String string(String name, String fallback) {
        String value = System.getProperty(name);
        return value == null || value.isBlank() ? fallback : value.trim();
    }

    static int integer(String name, int fallback) {
        return Integer.parseInt(string(name, Integer.toString(fallback)));
    }

    /** The soft limit on open files of this process (the servers inherit it), from /proc/self/limits. */
    private static int openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Integer.MAX_VALUE : Integer.parseInt(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return 1024;
    }
}
