package dev.signalgate.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result table (median over rounds, gateway beside Socket.IO, and their ratio) as text and as JSON.
 */
final class Report {

    /** One line of the table. */
    record Row(String key, String label, String unit, boolean higherIsBetter, String goal) {
    }

    private final List<Row> rows = new ArrayList<>();

    Report(Settings settings) {
        for (int step : settings.densitySteps) {
            String n = String.format(Locale.ROOT, "%,d", step);
            String key = "density." + step;
            rows.add(new Row(key + ".connections", "idle connections held (asked " + n + ")", "conns", true, ""));
            rows.add(new Row(key + ".heapKiBPerConnection", "heap per idle connection, " + n, "KiB", false,
                    step >= 50_000 ? "<= 16 KiB" : ""));
            rows.add(new Row(key + ".rssKiBPerConnection", "RSS per idle connection, " + n, "KiB", false, ""));
            rows.add(new Row(key + ".connectsPerSecond", "connect+auth+join rate, " + n, "/s", true, ""));
        }
        rows.add(new Row("fanout.deliveriesPerSecond", "fan-out deliveries into a 1,000-member room", "/s", true,
                ">= 100,000/s and >= 2x peer"));
        rows.add(new Row("fanout.messagesPerSecond", "fan-out messages fully delivered", "msg/s", true, ""));
        rows.add(new Row("latency.p50Ms", "publish-to-receive p50 (moderate load)", "ms", false, ""));
        rows.add(new Row("latency.p99Ms", "publish-to-receive p99 (moderate load)", "ms", false, "< 25 ms"));
        rows.add(new Row("latency.p999Ms", "publish-to-receive p99.9 (moderate load)", "ms", false, ""));
        rows.add(new Row("latency.deliveriesPerSecond", "deliveries at the moderate load", "/s", true, ""));
        rows.add(new Row("persistence.confirmedPerSecond", "confirmed (stored) messages", "msg/s", true,
                ">= 10,000/s"));
        rows.add(new Row("persistence.saturated.lagP50Ms", "send-to-confirm p50, store saturated", "ms", false, ""));
        rows.add(new Row("persistence.saturated.lagP99Ms", "send-to-confirm p99, store saturated", "ms", false, ""));
        rows.add(new Row("persistence.moderate.lagP50Ms", "send-to-confirm p50, moderate load", "ms", false, ""));
        rows.add(new Row("persistence.moderate.lagP99Ms", "send-to-confirm p99, moderate load", "ms", false, ""));
        rows.add(new Row("knee.msgPerSecond", "persistence knee, open loop (0 failed, confirm p99 < 250 ms)",
                "msg/s", true, ">= 8,000/s"));
        for (int step : settings.kneeSteps) {
            String n = String.format(Locale.ROOT, "%,d", step);
            rows.add(new Row("knee." + step + ".confirmedPerSecond", "confirmed at " + n + " msg/s offered", "msg/s",
                    true, ""));
            rows.add(new Row("knee." + step + ".lagP99Ms", "confirm p99 at " + n + " msg/s offered", "ms", false,
                    ""));
            rows.add(new Row("knee." + step + ".failed", "chat:failed at " + n + " msg/s offered", "msgs", false, ""));
        }
        rows.add(new Row("storm.answerSeconds", "time to answer a retry storm (" + settings.stormClients + " x "
                + settings.stormMessages + ")", "s", false, "< 2 s"));
        rows.add(new Row("storm.newP99Ms", "new messages' confirm p99 during the storm", "ms", false, "< 250 ms"));
        // Phase fallback: the HTTP transport in the gateway column, its WebSocket counterpart on the line after.
        String sessions = String.format(Locale.ROOT, "%,d", settings.fallbackSessions);
        rows.add(new Row("fallback.http.heapKiBPerSession", "heap per idle HTTP session (stream open), " + sessions,
                "KiB", false, ""));
        rows.add(new Row("fallback.ws.heapKiBPerConnection", "  the same per WebSocket connection, " + sessions,
                "KiB", false, ""));
        String shape = settings.fallbackRooms + "x" + settings.fallbackRoomSize + ", 1 msg/"
                + settings.fallbackIntervalMillis / 1000.0 + " s each";
        for (String[] p : new String[][] {{"p50Ms", "p50"}, {"p99Ms", "p99"}, {"p999Ms", "p99.9"}}) {
            rows.add(new Row("fallback.http." + p[0], "HTTP fallback delivery " + p[1] + " (" + shape + ")", "ms",
                    false, ""));
            rows.add(new Row("fallback.ws." + p[0], "  the same over WebSocket", "ms", false, ""));
        }
        rows.add(new Row("coldstart.timeToWarmSeconds", "time to warm after a fresh start (p99 < 25 ms)", "s",
                false, "<= 5 s"));
        rows.add(new Row("coldstart.first10s.p99Ms", "delivery p99, first 10 s after a fresh start", "ms", false,
                ""));
        rows.add(new Row("coldstart.warm.p99Ms", "delivery p99 after 20 s, cold-start load", "ms", false,
                "<= peer"));
        rows.add(new Row("coldstart.warm.p999Ms", "delivery p99.9 after 20 s, cold-start load", "ms", false, ""));
        rows.add(new Row("coldstart.warm.confirmP99Ms", "confirmation p99 after 20 s, cold-start load", "ms",
                false, "<= 25 ms"));
        rows.add(new Row("unexpectedCloses", "connections closed by the server (sum of phases)", "conns", false,
                ""));
        rows.add(new Row("errorFrames", "error frames received", "frames", false, ""));
        rows.add(new Row("loadAverageAtStart", "1-min load average when the round started", "", false,
                "~0: nothing else running"));
    }

    /** Median of the rounds' values, NaN when no round measured it. */
    static double median(List<Map<String, Double>> rounds, String key) {
        List<Double> values = new ArrayList<>();
        for (Map<String, Double> round : rounds) {
            Double value = round.get(key);
            if (value != null && !value.isNaN()) {
                values.add(value);
            }
        }
        if (values.isEmpty()) {
            return Double.NaN;
        }
        values.sort(Double::compare);
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    String table(Map<String, List<Map<String, Double>>> results) {
        List<Map<String, Double>> gateway = results.getOrDefault("gateway", List.of());
        List<Map<String, Double>> peer = results.getOrDefault("socket.io", List.of());
        StringBuilder text = new StringBuilder();
        String format = "| %-48s | %-5s | %12s | %12s | %8s | %-6s | %-28s |%n";
        text.append(String.format(Locale.ROOT, format, "metric (median of rounds)", "unit", "gateway", "socket.io",
                "ratio", "better", "goal"));
        text.append(String.format(Locale.ROOT, format, "-".repeat(48), "-".repeat(5), "-".repeat(12),
                "-".repeat(12), "-".repeat(8), "-".repeat(6), "-".repeat(28)));
        for (Row row : rows) {
            double g = median(gateway, row.key());
            double p = median(peer, row.key());
            if (Double.isNaN(g) && Double.isNaN(p)) {
                continue;
            }
            text.append(String.format(Locale.ROOT, format, row.label(), row.unit(), number(g), number(p),
                    ratio(g, p), row.higherIsBetter() ? "higher" : "lower", row.goal()));
        }
        return text.toString();
    }

    List<Map<String, Object>> summary(Map<String, List<Map<String, Double>>> results) {
        List<Map<String, Object>> summary = new ArrayList<>();
        for (Row row : rows) {
            double g = median(results.getOrDefault("gateway", List.of()), row.key());
            double p = median(results.getOrDefault("socket.io", List.of()), row.key());
            if (Double.isNaN(g) && Double.isNaN(p)) {
                continue;
            }
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("metric", row.key());
            line.put("label", row.label());
            line.put("unit", row.unit());
            line.put("better", row.higherIsBetter() ? "higher" : "lower");
            line.put("gateway", g);
            line.put("socketio", p);
            line.put("ratio", Double.isNaN(g) || Double.isNaN(p) || p == 0 ? Double.NaN : g / p);
            line.put("goal", row.goal());
            summary.add(line);
        }
        return summary;
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String ratio(double gateway, double peer) {
        if (Double.isNaN(gateway) || Double.isNaN(peer) || peer == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.2fx", gateway / peer);
    }

    /** A small JSON writer for maps, lists, strings, numbers and booleans. */
    static String json(Object value, String indent) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String string) {
            return quote(string);
        }
        if (value instanceof Double number) {
            return number.isNaN() || number.isInfinite() ? "null"
                    : String.format(Locale.ROOT, "%.4f", number).replaceAll("\\.?0+$", "");
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        String inner = indent + "  ";
        if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                return "{}";
            }
            StringBuilder text = new StringBuilder("{\n");
            int i = 0;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                text.append(inner).append(quote(String.valueOf(entry.getKey()))).append(": ")
                        .append(json(entry.getValue(), inner)).append(++i < map.size() ? ",\n" : "\n");
            }
            return text.append(indent).append('}').toString();
        }
        if (value instanceof Collection<?> list) {
            if (list.isEmpty()) {
                return "[]";
            }
            StringBuilder text = new StringBuilder("[\n");
            int i = 0;
            for (Object item : list) {
                text.append(inner).append(json(item, inner)).append(++i < list.size() ? ",\n" : "\n");
            }
            return text.append(indent).append(']').toString();
        }
        return quote(value.toString());
    }

    private static String quote(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }
}
