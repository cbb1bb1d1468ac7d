package dev.signalgate.gateway.transport.http;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A Server-Sent Events response read on a thread of its own into a queue of parsed events. */
final class SseStream implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One event; {@code comment} is set for comment lines (heartbeats), the rest null. */
    record Event(long id, String name, JsonNode data, String comment) {

        String type() {
            return data == null ? null : data.path("type").asString();
        }
    }

    private final HttpResponse<InputStream> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile boolean ended;

    SseStream(HttpResponse<InputStream> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-reader");
        this.reader.setDaemon(true);
        this.reader.start();
    }

    HttpResponse<InputStream> response() {
        return response;
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(),
                StandardCharsets.UTF_8))) {
            long id = -1;
            String name = null;
            String data = null;
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data != null) {
                        events.add(new Event(id, name, JSON.readTree(data), null));
                    }
                    id = -1;
                    name = null;
                    data = null;
                } else if (line.startsWith(":")) {
                    events.add(new Event(-1, null, null, line.substring(1).trim()));
                } else if (line.startsWith("id: ")) {
                    id = Long.parseLong(line.substring(4));
                } else if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data = line.substring(6);
                }
            }
        } catch (IOException e) {
            // The stream was cut: by close() or by the server.
        } finally {
            ended = true;
        }
    }

    /** The next event that is not a comment. */
    Event next() {
        return await(event -> event.comment() == null);
    }

    Event await(Predicate<Event> matching) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        try {
            while (true) {
                Event event = events.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (event == null) {
                    throw new AssertionError("no matching event within " + TIMEOUT + (ended ? " (stream ended)" : ""));
                }
                if (matching.test(event)) {
                    return event;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    Event awaitType(String type) {
        return await(event -> type.equals(event.type()));
    }

    /** The answer (ack or error) to the frame with this id. */
    Event reply(String id) {
        return await(event -> event.data() != null && id.equals(event.data().path("id").asString()));
    }

    Event awaitClose() {
        return await(event -> "close".equals(event.name()));
    }

    /** Events up to and including the first matching one, comments left out. */
    List<Event> until(Predicate<Event> matching) {
        List<Event> seen = new ArrayList<>();
        while (true) {
            Event event = next();
            seen.add(event);
            if (matching.test(event)) {
                return seen;
            }
        }
    }

    /** Waits until the server ends the response. */
    boolean awaitEnd() throws InterruptedException {
        reader.join(TIMEOUT.toMillis());
        return ended;
    }

    @Override
    public void close() {
        try {
            response.body().close();
        } catch (IOException e) {
            // Closing cuts the connection; nothing to do about a failure to.
        }
        reader.interrupt();
    }
}
