package dev.signalgate.gateway.transport.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Cluster mode's {@link SessionRelay}: a request for a session of another node goes to that node over Redis
 * pub/sub ({@code sg:http:<node>}, one channel per node), which handles it exactly as its own (owner check,
 * one POST in flight, dedupe, the same answers) and publishes the answer on the asking node's channel. An event
 * stream opened on another node is relayed the same way: the owner attaches a reader and publishes each event
 * to the asking node, which writes them out with its own heartbeats; closing either end detaches the other.
 *
 * <p>No sticky sessions are needed: a session's requests are handled once, in order, on its own node, whatever
 * node the load balancer picked. A request the owner does not answer within the cluster timeout (the poll's own
 * wait added) gets 503 {@code unavailable}; a request for a node Redis delivers to no one (the node is gone)
 * gets 404, as a session that no longer exists. Its own pub/sub connection, apart from the rooms' traffic.
 */
final class RedisSessionRelay implements SessionRelay, AutoCloseable {

    static final String CHANNEL = "sg:http:";

    private static final Logger log = LoggerFactory.getLogger(RedisSessionRelay.class);

    private final String node;
    private final HttpSessions sessions;
    private final HttpTransportEndpoints endpoints;
    private final HttpTransportProperties http;
    private final Duration timeout;
    private final JsonMapper json = JsonMapper.builder().build();
    private final StatefulRedisPubSubConnection<String, String> subscriptions;
    private final StatefulRedisConnection<String, String> publishing;
    /** Answers this node waits for, by request id. */
    private final Map<String, Sinks.One<Answer>> answers = new ConcurrentHashMap<>();
    /** Streams this node relays to its client, by request id. */
    private final Map<String, Sinks.Many<byte[]>> relayed = new ConcurrentHashMap<>();
    /** Readers this node attached for another node's client, by request id. */
    private final Map<String, Disposable> attached = new ConcurrentHashMap<>();
    private final Scheduler.Worker worker = Schedulers.parallel().createWorker();

    RedisSessionRelay(String node, RedisClient client, HttpSessions sessions, HttpTransportEndpoints endpoints,
            HttpTransportProperties http, Duration timeout) {
        this.node = node;
        this.sessions = sessions;
        this.endpoints = endpoints;
        this.http = http;
        this.timeout = timeout;
        this.publishing = client.connect(StringCodec.UTF8);
        this.subscriptions = client.connectPubSub(StringCodec.UTF8);
        subscriptions.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String channel, String message) {
                // Off the Redis event loop (running frames publishes to Redis again), on one worker: messages are
                // handled in the order they came, and each relayed stream's sink is fed from one thread at a time.
                worker.schedule(() -> received(message));
            }
        });
        subscriptions.sync().subscribe(CHANNEL + node);
        sessions.idPrefix(node + ".");
    }

    @Override
    public boolean ownedElsewhere(String sessionId) {
        int dot = sessionId.indexOf('.');
        return dot > 0 && !sessionId.substring(0, dot).equals(node);
    }

    @Override
    public Mono<Void> forward(ServerWebExchange exchange, String userId, String sessionId, String resource) {
        String owner = sessionId.substring(0, sessionId.indexOf('.'));
        ServerHttpRequest request = exchange.getRequest();
        ObjectNode message = json.createObjectNode().put("from", node).put("req", UUID.randomUUID().toString())
                .put("session", sessionId).put("user", userId);
        return switch (resource) {
            case "events" -> stream(exchange, owner, putIf(message.put("kind", "attach"), "after",
                    firstNonNull(request.getHeaders().getFirst("Last-Event-ID"),
                            request.getQueryParams().getFirst("lastEventId"))));
            case "poll" -> ask(owner, putIf(message.put("kind", "poll"), "after",
                    request.getQueryParams().getFirst("after")), timeout.plus(http.pollTimeout()))
                    .flatMap(answer -> answer.write(exchange));
            case "frames" -> endpoints.body(request)
                    .map(body -> message.put("body", new String(body, StandardCharsets.UTF_8)))
                    .defaultIfEmpty(message.put("body", ""))
                    .onErrorResume(DataBufferLimitException.class, tooBig -> Mono.just(message.put("tooBig", true)))
                    .flatMap(ready -> ask(owner, putIf(putIf(ready.put("kind", "frames"), "ack",
                            request.getQueryParams().getFirst("ack")), "batch",
                            request.getQueryParams().getFirst("batch")), timeout))
                    .flatMap(answer -> answer.write(exchange));
            default -> ask(owner, message.put("kind", "delete"), timeout).flatMap(answer -> answer.write(exchange));
        };
    }

    /** Publishes a request to its owner and waits for the answer. */
    private Mono<Answer> ask(String owner, ObjectNode message, Duration wait) {
        String request = message.get("req").asString();
        Sinks.One<Answer> answer = Sinks.one();
        answers.put(request, answer);
        return publish(owner, message)
                .flatMap(receivers -> receivers == 0 ? Mono.just(gone()) : answer.asMono())
                .timeout(wait, Mono.fromSupplier(() -> Answer.error(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
                        "the gateway node holding this session did not answer in time; send this again")))
                .onErrorResume(failure -> Mono.just(Answer.error(HttpStatus.SERVICE_UNAVAILABLE, "unavailable",
                        "the gateway could not reach the node holding this session; send this again")))
                .doFinally(signal -> answers.remove(request));
    }

    /** Relays the owner's event stream: its first answer says whether it attached, the events follow. */
    private Mono<Void> stream(ServerWebExchange exchange, String owner, ObjectNode attach) {
        String request = attach.get("req").asString();
        // Unicast with a buffer: events the owner sends right after attaching wait for the response to start.
        Sinks.Many<byte[]> events = Sinks.many().unicast().onBackpressureBuffer();
        relayed.put(request, events);
        return ask(owner, attach, timeout).flatMap(answer -> {
            if (answer.status() != HttpStatus.OK.value()) {
                relayed.remove(request);
                return answer.write(exchange);
            }
            return HttpTransportEndpoints.writeStream(exchange, events.asFlux(), http.heartbeat());
        }).doFinally(signal -> {
            if (relayed.remove(request) != null) {
                publish(owner, json.createObjectNode().put("kind", "detach").put("req", request)).subscribe();
            }
        });
    }

    private void received(String text) {
        JsonNode message;
        try {
            message = json.readTree(text);
        } catch (RuntimeException unreadable) {
            log.warn("dropped an unreadable HTTP transport message from the cluster");
            return;
        }
        String request = message.path("req").asString();
        switch (message.path("kind").asString()) {
            case "answer" -> {
                Sinks.One<Answer> waiting = answers.remove(request);
                if (waiting != null) {
                    waiting.tryEmitValue(new Answer(message.path("status").asInt(),
                            text(message, "body", "").getBytes(StandardCharsets.UTF_8),
                            text(message, "retryAfter", null)));
                }
            }
            case "event" -> {
                Sinks.Many<byte[]> stream = relayed.get(request);
                if (stream != null) {
                    stream.tryEmitNext(message.path("data").asString().getBytes(StandardCharsets.UTF_8));
                }
            }
            case "end" -> {
                Sinks.Many<byte[]> stream = relayed.remove(request);
                if (stream != null) {
                    stream.tryEmitComplete();
                }
            }
            case "detach" -> {
                Disposable reader = attached.remove(request);
                if (reader != null) {
                    reader.dispose();
                }
            }
            default -> handle(message, request);
        }
    }

    /** A request from another node for one of this node's sessions. */
    private void handle(JsonNode message, String request) {
        String from = message.path("from").asString();
        HttpSessions.Lookup found = sessions.find(message.path("session").asString());
        Answer refused = HttpTransportFilter.refusal(found, message.path("user").asString());
        if (refused != null) {
            answer(from, request, refused);
            return;
        }
        HttpSession session = found.session();
        switch (message.path("kind").asString()) {
            case "frames" -> endpoints.frames(session, text(message, "ack", null), text(message, "batch", null),
                            message.path("tooBig").asBoolean(false)
                                    ? Mono.error(new DataBufferLimitException("over the body limit"))
                                    : Mono.just(text(message, "body", "").getBytes(StandardCharsets.UTF_8)))
                    .subscribe(answer -> answer(from, request, answer));
            case "poll" -> endpoints.poll(session, text(message, "after", null))
                    .subscribe(answer -> answer(from, request, answer));
            case "delete" -> answer(from, request, endpoints.end(session));
            case "attach" -> attach(from, request, session, text(message, "after", null));
            default -> log.warn("dropped an HTTP transport message of an unknown kind from the cluster");
        }
    }

    private void attach(String from, String request, HttpSession session, String after) {
        Flux<byte[]> events;
        try {
            events = endpoints.events(session, after);
        } catch (HttpTransportEndpoints.BadRequest refused) {
            answer(from, request, refused.answer());
            return;
        }
        answer(from, request, new Answer(HttpStatus.OK.value(), new byte[0], null));
        // Published one after the other on one connection: they arrive in order.
        Disposable reader = events.subscribe(
                event -> publish(from, json.createObjectNode().put("kind", "event").put("req", request)
                        .put("data", new String(event, StandardCharsets.UTF_8))).subscribe(),
                failure -> end(from, request),
                () -> end(from, request));
        attached.put(request, reader);
    }

    private void end(String to, String request) {
        attached.remove(request);
        publish(to, json.createObjectNode().put("kind", "end").put("req", request)).subscribe();
    }

    private void answer(String to, String request, Answer answer) {
        ObjectNode message = json.createObjectNode().put("kind", "answer").put("req", request)
                .put("status", answer.status()).put("body", new String(answer.body(), StandardCharsets.UTF_8));
        if (answer.retryAfter() != null) {
            message.put("retryAfter", answer.retryAfter());
        }
        publish(to, message).subscribe();
    }

    private Mono<Long> publish(String to, ObjectNode message) {
        return Mono.fromCompletionStage(publishing.async().publish(CHANNEL + to, json.writeValueAsString(message)))
                .onErrorResume(failure -> {
                    log.warn("HTTP transport message to node {} not published: {}", to, failure.toString());
                    return Mono.error(failure);
                });
    }

    private static Answer gone() {
        return Answer.error(HttpStatus.NOT_FOUND, "not_found",
                "the gateway node that held this session is gone: open a new session");
    }

    /** A text field, or {@code absent} when the message has none. */
    private static String text(JsonNode message, String field, String absent) {
        JsonNode value = message.get(field);
        return value == null || value.isNull() ? absent : value.asString();
    }

    private static ObjectNode putIf(ObjectNode message, String field, String value) {
        return value == null ? message : message.put(field, value);
    }

    private static String firstNonNull(String first, String second) {
        return first != null ? first : second;
    }

    @Override
    public void close() {
        attached.values().forEach(Disposable::dispose);
        subscriptions.close();
        publishing.close();
        worker.dispose();
    }
}
