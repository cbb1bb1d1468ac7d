package dev.signalgate.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarizes the {@code jdk.ExecutionSample} events of a JFR recording of the gateway: where the CPU went, by
 * method (self and inclusive), by library (the package of the top frame) and by thread, and which of the
 * gateway's own methods the samples run under.
 */
final class Profile {

    private Profile() {
    }

    static String summarize(Path recording, int top) {
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> libraries = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        Map<String, Integer> ownCode = new HashMap<>();
        int samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                String topMethod = method(frames.get(0));
                self.merge(topMethod, 1, Integer::sum);
                libraries.merge(library(frames.get(0).getMethod().getType().getName()), 1, Integer::sum);
                threads.merge(threadGroup(event), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                String own = null;
                for (RecordedFrame frame : frames) {
                    String method = method(frame);
                    if (seen.add(method)) {
                        inclusive.merge(method, 1, Integer::sum);
                    }
                    if (own == null && frame.getMethod().getType().getName().startsWith("dev.signalgate.")) {
                        own = method;
                    }
                }
                ownCode.merge(own == null ? "(no gateway frame in the sampled stack)" : own, 1, Integer::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + recording, e);
        }
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%s: %,d execution samples%n", recording.getFileName(), samples));
        section(text, "by thread", threads, samples, top);
        section(text, "by library (package of the sampled frame)", libraries, samples, top);
        section(text, "top methods, self", self, samples, top);
        section(text, "top methods, inclusive (stack depth is capped at 64 frames)", inclusive, samples, top);
        section(text, "innermost gateway method on the stack", ownCode, samples, top);
        return text.toString();
    }

    private static void section(StringBuilder text, String title, Map<String, Integer> counts, int samples, int top) {
        text.append(String.format(Locale.ROOT, "%n  %s%n", title));
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(top)
                .forEach(entry -> text.append(String.format(Locale.ROOT, "  %6.2f%%  %6d  %s%n",
                        100.0 * entry.getValue() / Math.max(1, samples), entry.getValue(), entry.getKey())));
    }

    private static String method(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static String threadGroup(RecordedEvent event) {
        var thread = event.getThread("sampledThread");
        String name = thread == null ? "?" : thread.getJavaName();
        return name == null ? "?" : name.replaceAll("-\\d+$", "-N");
    }

    private static String library(String className) {
        String[] prefixes = {"dev.signalgate.", "io.netty.", "reactor.netty.", "reactor.core.", "reactor.",
            "tools.jackson.", "com.fasterxml.jackson.", "com.mongodb.", "org.bson.", "de.bwaldvogel.", "org.h2.",
            "org.springframework.", "com.nimbusds.", "java.util.concurrent.", "java.util.", "java.lang.", "java.",
            "jdk.", "sun."};
        for (String prefix : prefixes) {
            if (className.startsWith(prefix)) {
                return prefix + "*";
            }
        }
        return className;
    }

    static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
