package dev.signalgate.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Consumer;

/**
 * One session of the gateway's HTTP fallback transport (protocol README section 11), spoken with
 * {@link java.net.http.HttpClient}: its event stream held open and read line by line as it arrives, its frames
 * sent up by POST. The stream's {@code chat:message} bodies go to a listener, which the latency measurement sets.
 */
final class FallbackSession implements Flow.Subscriber<String> {

    static final String PREFIX = "/ws/http/sessions";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    final int index;
    final String room;
    private final String token;
    private final URI base;
    private final HttpClient posts;
    private final HttpClient streams;
    private String id;
    private volatile Flow.Subscription subscription;
    /** The last event read, sent as {@code ack=} on every POST so the gateway releases what was received. */
    private volatile long lastEventId;
    private long pendingEventId;
    private long sent;
    final CompletableFuture<FallbackSession> joined = new CompletableFuture<>();
    volatile Consumer<String> onMessage = body -> {
    };

    FallbackSession(int index, String room, String token, String host, int port, HttpClient posts,
            HttpClient streams) {
        this.index = index;
        this.room = room;
        this.token = token;
        this.base = URI.create("http://" + host + ":" + port + PREFIX);
        this.posts = posts;
        this.streams = streams;
    }

    /** Creates the session, opens its stream, joins the room; completes when the join's ack came down the stream. */
    CompletableFuture<FallbackSession> open() {
        HttpRequest create = HttpRequest.newBuilder(base).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).timeout(TIMEOUT).build();
        posts.sendAsync(create, HttpResponse.BodyHandlers.ofString()).thenAccept(created -> {
            if (created.statusCode() != 201) {
                throw new IllegalStateException("session create answered " + created.statusCode() + " "
                        + created.body());
            }
            String body = created.body();
            int start = body.indexOf("\"session\":\"") + 11;
            id = body.substring(start, body.indexOf('"', start));
            // No timeout on the stream: it is meant to stay open for the whole phase.
            HttpRequest events = HttpRequest.newBuilder(URI.create(base + "/" + id + "/events"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").GET().build();
            streams.sendAsync(events, HttpResponse.BodyHandlers.fromLineSubscriber(this))
                    .whenComplete((response, failure) -> {
                        if (!joined.isDone()) {
                            joined.completeExceptionally(new IllegalStateException("stream ended before the join"
                                    + (failure != null ? ": " + failure : " (" + response.statusCode() + ")")));
                        }
                    });
            // The join may go up before the stream is read: the gateway keeps the events for it.
            post("{\"type\":\"chat:join_room\",\"id\":\"0\",\"room\":\"" + room + "\"}");
        }).exceptionally(failure -> {
            joined.completeExceptionally(failure);
            return null;
        });
        return joined;
    }

    /** Sends chat message {@code n} with its send time in the body, as the WebSocket members do. */
    CompletableFuture<Integer> sendMessage(long sendNanos) {
        long n = ++sent;
        return post("{\"type\":\"chat:send_message\",\"id\":\"" + n + "\",\"room\":\"" + room
                + "\",\"data\":{\"tempId\":\"h" + index + "-" + n + "\",\"body\":\"" + Body.encode(index, n, sendNanos)
                + "\"}}");
    }

    /** POSTs one envelope; answers the status (409 if one is already in flight, 503 if the session backs up). */
    CompletableFuture<Integer> post(String envelope) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + id + "/frames?ack=" + lastEventId))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(envelope)).timeout(TIMEOUT).build();
        return posts.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }

    /** Ends the session (DELETE), which also ends its stream. */
    CompletableFuture<Void> close() {
        if (id == null) {
            return CompletableFuture.completedFuture(null);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/" + id))
                .header("Authorization", "Bearer " + token).DELETE().timeout(TIMEOUT).build();
        return posts.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((answer, failure) -> {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            return null;
        });
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        subscription.request(Long.MAX_VALUE);
    }

    /** One line of the event stream: {@code id: n}, {@code data: <envelope>}, a comment or the blank separator. */
    @Override
    public void onNext(String line) {
        if (line.startsWith("id: ")) {
            pendingEventId = Long.parseLong(line.substring(4).trim());
        } else if (line.startsWith("data: ")) {
            String frame = line.substring(6);
            if (frame.startsWith("{\"type\":\"chat:message\"")) {
                onMessage.accept(Body.of(frame));
            } else if (frame.startsWith("{\"type\":\"ack\",\"id\":\"0\"")) {
                joined.complete(this);
            } else if (frame.startsWith("{\"type\":\"error\"") && Client.ERRORS.incrementAndGet() <= 3) {
                System.err.println("  gateway answered HTTP session " + index + " with: " + frame);
            }
        } else if (line.isEmpty() && pendingEventId > 0) {
            lastEventId = pendingEventId;
        }
    }

    @Override
    public void onError(Throwable failure) {
        joined.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
        joined.completeExceptionally(new IllegalStateException("stream ended"));
    }
}
