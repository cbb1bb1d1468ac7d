package dev.signalgate.gateway.transport.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;

import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.protocol.CloseCode;
import dev.signalgate.protocol.FrameLimits;
import dev.signalgate.protocol.Payloads;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The HTTP transport's five requests, each for an authenticated owner of the session ({@link HttpTransportFilter}
 * checked): open, read as a stream, read as a long-poll, send frames, end.
 */
final class HttpTransportEndpoints {

    /** Events one long-poll answer carries at most; the next poll gets the rest at once. */
    static final int POLL_MAX_EVENTS = 256;

    private final HttpSessions sessions;
    private final HttpTransportProperties http;
    private final JsonMapper mapper;
    private final int maxFrameBytes;
    private final int maxBodyBytes;
    private final GatewayProperties.Outbound outbound;

    /**
     * @param limits the socket's frame limits, which the dispatcher holds each envelope to
     * @param maxFrameBytes the largest envelope, as the largest WebSocket frame; a body may hold four
     */
    HttpTransportEndpoints(HttpSessions sessions, HttpTransportProperties http, FrameLimits limits,
            int maxFrameBytes, GatewayProperties.Outbound outbound) {
        this.sessions = sessions;
        this.outbound = outbound;
        this.http = http;
        this.maxFrameBytes = maxFrameBytes;
        this.maxBodyBytes = maxFrameBytes * 4;
        this.mapper = splitter(limits, maxBodyBytes);
    }

    /**
     * Splits a body into envelopes, each then decoded by the dispatcher as a socket's frame is. It lets strings
     * as long as the body through, so that an oversized envelope is measured (and closes with 1009) instead of
     * failing to parse; it keeps decimals exact, since what it splits it writes out again.
     */
    private static JsonMapper splitter(FrameLimits limits, int maxBodyBytes) {
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNestingDepth() + 1).maxStringLength(maxBodyBytes).build();
        return JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints)
                        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    /** {@code POST /ws/http/sessions}: 201 with the session's id and where to read and send. */
    Mono<Void> open(ServerWebExchange exchange, UserPrincipal principal) {
        HttpSession session = sessions.open(principal);
        String base = HttpTransportFilter.PREFIX + "/" + session.id();
        String body = "{\"session\":\"" + session.id() + "\",\"userId\":"
                + mapper.writeValueAsString(principal.userId()) + ",\"events\":\"" + base + "/events\",\"poll\":\""
                + base + "/poll\",\"frames\":\"" + base + "/frames\",\"heartbeatMs\":" + http.heartbeat().toMillis()
                + ",\"pollTimeoutMs\":"
                + http.pollTimeout().toMillis() + ",\"idleTimeoutMs\":" + sessions.idleTimeout().toMillis()
                + ",\"maxBatch\":" + http.maxBatch() + ",\"maxBodyBytes\":" + maxBodyBytes + "}";
        return Responses.json(exchange, HttpStatus.CREATED, body);
    }

    /**
     * {@code GET …/events}: Server-Sent Events from after {@code Last-Event-ID} (header, or the
     * {@code lastEventId} query parameter), flushed per event, a comment every heartbeat, until a newer reader
     * takes over or the session ends.
     */
    Mono<Void> events(ServerWebExchange exchange, HttpSession session) {
        ServerHttpRequest request = exchange.getRequest();
        String header = request.getHeaders().getFirst("Last-Event-ID");
        Flux<byte[]> events;
        try {
            events = events(session, header != null ? header : request.getQueryParams().getFirst("lastEventId"));
        } catch (BadRequest refused) {
            return refused.answer().write(exchange);
        }
        return writeStream(exchange, events, http.heartbeat());
    }

    /** The session's events after {@code lastEventId}, encoded as Server-Sent Events. */
    Flux<byte[]> events(HttpSession session, String lastEventId) {
        return session.stream(eventId(session, lastEventId, "Last-Event-ID")).map(EventFormats::sse);
    }

    /** Writes an event stream: unbuffered, uncached, a first byte at once, a comment every heartbeat. */
    static Mono<Void> writeStream(ServerWebExchange exchange, Flux<byte[]> events, Duration heartbeat) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(HttpStatus.OK);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(new MediaType(MediaType.TEXT_EVENT_STREAM, StandardCharsets.UTF_8));
        Responses.noStore(response);
        // nginx and its kin buffer a response unless told; a buffered stream delivers nothing until it ends.
        headers.set("X-Accel-Buffering", "no");
        Sinks.Empty<Void> done = Sinks.empty();
        Flux<byte[]> ended = events.doFinally(signal -> done.tryEmitEmpty());
        Flux<byte[]> heartbeats = Flux.interval(heartbeat).map(tick -> EventFormats.comment("heartbeat"))
                .takeUntilOther(done.asMono());
        // A first byte at once: proxies and browsers see the stream open before any event.
        Flux<byte[]> body = Flux.concat(Mono.just(EventFormats.comment("open")), Flux.merge(ended, heartbeats));
        return response.writeAndFlushWith(body.map(bytes -> Mono.just(response.bufferFactory().wrap(bytes))));
    }

    /** {@code GET …/poll?after=n}: the events after {@code n} as JSON, at once if there are some. */
    Mono<Answer> poll(HttpSession session, String afterText) {
        long after;
        try {
            after = eventId(session, afterText, "after");
        } catch (BadRequest refused) {
            return Mono.just(refused.answer());
        }
        return session.poll(after, http.pollTimeout(), POLL_MAX_EVENTS)
                .map(events -> Answer.json(HttpStatus.OK, EventFormats.poll(events)));
    }

    /**
     * {@code POST …/frames[?ack=n][&batch=k]}: one envelope or an array of them, run in order and answered at
     * once with {@code {"accepted","duplicates","lastEventId"}}; replies come on the stream. One POST in flight
     * per session (409 otherwise); while the session's answers back up, 503 {@code busy} with
     * {@code Retry-After}, run nothing. {@code ack} releases the events up to {@code n}, for a stream that runs long
     * without a resume.
     *
     * @param body the body, read only once the POST holds the session; fails with
     *     {@link DataBufferLimitException} when it is too large
     */
    Mono<Answer> frames(HttpSession session, String ackText, String batchText, Mono<byte[]> body) {
        if (session.isEnded()) {
            return Mono.just(Answer.closed(HttpStatus.GONE, session.endCode()));
        }
        long ack;
        long batch;
        try {
            ack = number(ackText, "ack", 0);
            batch = number(batchText, "batch", -1);
        } catch (BadRequest refused) {
            return Mono.just(refused.answer());
        }
        if (!session.beginPost()) {
            return Mono.just(Answer.error(HttpStatus.CONFLICT, "conflict",
                    "another POST of this session is in flight: send one at a time"));
        }
        if (ack > 0) {
            session.acknowledge(ack);
        }
        if (session.backedUp(outbound.queueCapacity(), outbound.maxQueuedBytes().toBytes())) {
            session.endPost();
            return Mono.just(Answer.error(HttpStatus.SERVICE_UNAVAILABLE, "busy", "the answers to earlier frames"
                    + " wait to be read: read the events, acknowledge them (ack=), then send this again")
                    .retryAfter("1"));
        }
        return body.defaultIfEmpty(new byte[0])
                .map(bytes -> run(session, batch, bytes))
                .onErrorResume(DataBufferLimitException.class, tooBig -> Mono.just(tooBig(session)))
                .doFinally(signal -> session.endPost());
    }

    /** The body of a request, up to the limit. */
    Mono<byte[]> body(ServerHttpRequest request) {
        return DataBufferUtils.join(request.getBody(), maxBodyBytes).map(HttpTransportEndpoints::bytes);
    }

    private Answer run(HttpSession session, long batch, byte[] body) {
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JacksonException notJson) {
            return Answer.error(HttpStatus.BAD_REQUEST, "bad_request",
                    "expected a JSON envelope or an array of envelopes, got a body that is not JSON"
                            + (notJson instanceof StreamConstraintsException ? " within the limits" : ""));
        }
        List<JsonNode> envelopes = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(envelopes::add);
        } else if (root != null && root.isObject()) {
            envelopes.add(root);
        } else {
            return Answer.error(HttpStatus.BAD_REQUEST, "bad_request",
                    "expected a JSON envelope or an array of envelopes, got "
                            + (root == null || root.isMissingNode() ? "an empty body" : Payloads.describe(root)));
        }
        if (envelopes.size() > http.maxBatch()) {
            return Answer.error(HttpStatus.BAD_REQUEST, "bad_request",
                    "expected at most " + http.maxBatch() + " envelopes per POST, got " + envelopes.size());
        }
        List<String> texts = new ArrayList<>(envelopes.size());
        List<String> ids = new ArrayList<>(envelopes.size());
        for (JsonNode envelope : envelopes) {
            String text = mapper.writeValueAsString(envelope);
            if (text.getBytes(StandardCharsets.UTF_8).length > maxFrameBytes) {
                return tooBig(session);
            }
            texts.add(text);
            JsonNode id = envelope.isObject() ? envelope.get("id") : null;
            ids.add(id != null && id.isString() ? id.asString() : null);
        }
        HttpSession.Intake intake = session.run(batch, texts, ids);
        if (intake.closed() != null) {
            return Answer.closed(HttpStatus.TOO_MANY_REQUESTS, intake.closed());
        }
        return Answer.json(HttpStatus.OK, "{\"accepted\":" + intake.accepted() + ",\"duplicates\":"
                + intake.duplicates() + ",\"lastEventId\":" + session.lastEventId() + "}");
    }

    /** An envelope larger than a WebSocket frame may be closes the session with 1009, as it closes a socket. */
    private static Answer tooBig(HttpSession session) {
        session.connection().close(CloseCode.TOO_BIG);
        return Answer.closed(HttpStatus.PAYLOAD_TOO_LARGE, CloseCode.TOO_BIG);
    }

    /** {@code DELETE …}: the client ends the session (1000); its stream gets the {@code close} event. */
    Answer end(HttpSession session) {
        session.end();
        return Answer.ended(CloseCode.NORMAL);
    }

    /** A resume point: absent is 0; past the session's last event is refused. */
    private static long eventId(HttpSession session, String text, String name) {
        long id = number(text, name, 0);
        if (id > session.lastEventId()) {
            throw new BadRequest(name + ": " + id + " is past this session's last event " + session.lastEventId());
        }
        return id;
    }

    /** A non-negative integer parameter, or {@code absent}. */
    private static long number(String text, String name, long absent) {
        if (text == null || text.isEmpty()) {
            return absent;
        }
        try {
            long value = Long.parseLong(text.trim());
            if (value >= 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // explained below
        }
        throw new BadRequest(name + ": expected a non-negative integer, got \"" + Payloads.truncate(text) + "\"");
    }

    /** A request parameter that cannot be used: 400 with {@code bad_request}. */
    static final class BadRequest extends RuntimeException {

        BadRequest(String message) {
            super(message, null, false, false);
        }

        Answer answer() {
            return Answer.error(HttpStatus.BAD_REQUEST, "bad_request", getMessage());
        }
    }


    private static byte[] bytes(DataBuffer buffer) {
        try {
            byte[] bytes = new byte[buffer.readableByteCount()];
            buffer.read(bytes);
            return bytes;
        } finally {
            DataBufferUtils.release(buffer);
        }
    }
}
