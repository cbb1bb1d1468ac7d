package dev.signalgate.gateway.api;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.observability.GatewayMetrics;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.RoomIds;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/rooms/{room}/events}: a backend publishes a domain event to the members of a chat room
 * (contract section 7).
 *
 * <pre>
 * POST /api/rooms/clinic-7:queue/events
 * Authorization: Bearer &lt;service token whose rooms claim covers clinic-7:queue&gt;
 *
 * {"type":"queue:updated","data":{"waiting":3}}
 * </pre>
 *
 * Every connection that joined the room with {@code chat:join_room} gets
 * {@code {"type":"queue:updated","room":"clinic-7:queue","from":"<token sub>","data":{"waiting":3}}}, encoded once
 * for all of them, on every node in cluster mode (through the hub's broker); the answer is 202
 * {@code {"delivered":<connections reached on this node>}}.
 *
 * <p>With {@code "persist":true} the event is first stored in the room's history through the batching
 * {@link MessageWriter}, like a chat message, and then published with its {@code seq}, so that members who resume
 * with {@code since} get it too. The 202 then waits for the write and adds {@code "seq"}; a store that fails or
 * does not answer within the write timeout gives 503 {@code {"error":"unavailable"}}, and nothing was published
 * (the event may still have been stored: the outcome of a timed-out write is unknown). So that such a retry does
 * not store the event twice, a persisted event may carry an {@code Idempotency-Key} header ({@link
 * IdempotencyKeys}): it is the event's key in the store, like a chat message's {@code tempId}, so a second
 * request with the same key in the same room stores nothing new and is answered with the stored event's
 * {@code seq}. That answer publishes the stored event to the room again, with the same {@code seq}: the first
 * attempt may have stored it without publishing it, and members who already have it can tell by the
 * {@code seq}.
 *
 * <p>Checks, in order: token (401), role {@code service} (403), room id (400), the token's {@code rooms} claim
 * covers the room (403), body (400, or 413 over the frame size limit).
 */
public final class EventPublisher {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final ApiAuth auth;
    private final Hub rooms;
    private final ConnectionRegistry connections;
    private final MessageWriter writer;
    private final Replies replies;
    private final JsonMapper mapper;
    private final Clock clock;
    private final GatewayMetrics metrics;
    private final int maxBodyBytes;

    public EventPublisher(ApiAuth auth, Hub rooms, ConnectionRegistry connections, MessageWriter writer,
            Replies replies, JsonMapper mapper, Clock clock, GatewayMetrics metrics, int maxBodyBytes) {
        this.auth = auth;
        this.rooms = rooms;
        this.connections = connections;
        this.writer = writer;
        this.replies = replies;
        this.mapper = mapper;
        this.clock = clock;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
    }

    public Mono<ServerResponse> publish(ServerRequest request) {
        String room = request.pathVariable("room");
        return auth.service(request)
                .flatMap(principal -> {
                    if (!RoomIds.isValid(room)) {
                        return Mono.error(ApiException.badRequest(RoomIds.explain(room)));
                    }
                    if (!principal.rooms().allows(room)) {
                        return Mono.error(ApiException.forbidden(
                                "the token's rooms claim does not cover room \"" + room + "\""));
                    }
                    String key = IdempotencyKeys.of(request);
                    return body(request)
                            .map(bytes -> EventRequest.parse(bytes, mapper))
                            .flatMap(event -> event.persist()
                                    ? persistThenPublish(principal, room, event, key)
                                    : Mono.just(publishNow(principal, room, event)));
                })
                .flatMap(answer -> ServerResponse.status(HttpStatus.ACCEPTED).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(answer))
                .onErrorResume(ApiException.class, ApiException::toResponse)
                .onErrorResume(failure -> {
                    log.error("publish failed: room={}", room, failure);
                    return ApiException.internal("the gateway failed to publish the event").toResponse();
                });
    }

    private Map<String, Object> publishNow(UserPrincipal principal, String room, EventRequest event) {
        Frame frame = replies.encode(new Envelope(event.type(), null, room, null, principal.userId(), null,
                event.data()));
        int delivered = membersOf(room);
        rooms.publish(room, Delivery.toAll(frame));
        return published(principal, room, event, delivered, null);
    }

    private Mono<Map<String, Object>> persistThenPublish(UserPrincipal principal, String room, EventRequest event,
            @Nullable String idempotencyKey) {
        String dataJson = mapper.writeValueAsString(event.data());
        NewMessage message = new NewMessage(room, principal.userId(), idempotencyKey, event.type(), null, dataJson,
                clock.instant());
        return writer.submit(message)
                // Runs on the writer's thread as the write settles, before the next batch: so the event reaches
                // the room in seq order with the chat confirmations around it.
                .map(stored -> {
                    // A retry is answered with what was stored, which may differ from this request's body.
                    ObjectNode data = idempotencyKey == null ? event.data() : storedData(stored);
                    Frame frame = replies.encode(new Envelope(stored.type(), null, room, null, principal.userId(),
                            stored.seq(), data));
                    int delivered = membersOf(room);
                    rooms.publish(room, Delivery.sequenced(frame, stored.seq()));
                    return published(principal, room, event, delivered, stored.seq());
                })
                // Answer the caller elsewhere: the writer's thread settles the rest of the batch.
                .publishOn(Schedulers.parallel())
                .onErrorMap(failure -> !(failure instanceof ApiException), failure -> {
                    log.atWarn().addKeyValue("room", room).addKeyValue("user.id", principal.userId())
                            .log("event not stored: room={} type={}: {}", room, event.type(), failure.toString());
                    return ApiException.unavailable("the message store did not store the event; retry later");
                });
    }

    private ObjectNode storedData(StoredMessage stored) {
        return stored.metaJson() == null ? JsonNodeFactory.instance.objectNode()
                : (ObjectNode) mapper.readTree(stored.metaJson());
    }

    private Map<String, Object> published(UserPrincipal principal, String room, EventRequest event, int delivered,
            Long seq) {
        metrics.eventPublished(seq != null, delivered);
        log.atDebug().addKeyValue("room", room).addKeyValue("user.id", principal.userId())
                .addKeyValue("event.type", event.type()).addKeyValue("delivered", delivered)
                .log("event published: room={} type={} from={} delivered={} seq={}", room, event.type(),
                        principal.userId(), delivered, seq);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("delivered", delivered);
        if (seq != null) {
            answer.put("seq", seq);
        }
        return answer;
    }

    /**
     * The connections on this node that joined the room: for each user present, that user's connections whose
     * joined rooms include it. Proportional to the room, not to the node.
     */
    private int membersOf(String room) {
        int count = 0;
        for (String user : rooms.userIds(room)) {
            for (Connection connection : connections.ofUser(user)) {
                if (connection.rooms().contains(room)) {
                    count++;
                }
            }
        }
        return count;
    }

    private Mono<byte[]> body(ServerRequest request) {
        return DataBufferUtils.join(request.bodyToFlux(DataBuffer.class), maxBodyBytes)
                .map(buffer -> {
                    try {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        return bytes;
                    } finally {
                        DataBufferUtils.release(buffer);
                    }
                })
                .defaultIfEmpty(new byte[0])
                .onErrorMap(DataBufferLimitException.class, tooBig -> ApiException.tooLarge(
                        "body: expected at most " + maxBodyBytes + " bytes (gateway.limits.max-frame-size)"));
    }
}
