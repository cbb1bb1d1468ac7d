package dev.signalgate.gateway.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.signalgate.gateway.auth.RemovedMembers;
import dev.signalgate.gateway.auth.RoomAccess;
import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.ConnectionIds;
import dev.signalgate.gateway.connection.Outbox;
import dev.signalgate.gateway.dispatch.ConnectionPolicy;
import dev.signalgate.gateway.dispatch.DisconnectListener;
import dev.signalgate.gateway.dispatch.Dispatcher;
import dev.signalgate.gateway.dispatch.EventHandler;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.observability.GatewayEvents;
import dev.signalgate.gateway.support.Tokens;
import dev.signalgate.persistence.embedded.EmbeddedMongo;
import dev.signalgate.protocol.CloseCode;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.FrameCodec;
import dev.signalgate.protocol.Namespace;
import dev.signalgate.protocol.ProtocolException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Fuzzes the dispatch path without sockets: the gateway's own {@link Dispatcher}, handlers, rooms, calls and
 * message store (the real reactive driver against an in-memory embedded store), fed the lines of the fuzz input
 * as the text frames of one connection, {@code fuzz-a}, while a second connection, {@code fuzz-b}, sits in chat
 * room {@code r} and in the call of {@code r}.
 *
 * <p>Properties, for every input:
 * <ul>
 * <li>no exception escapes {@link Dispatcher#dispatch}, and no frame is answered with {@code internal};</li>
 * <li>the frames are answered as the contract says: a frame that does not decode gets exactly one
 * {@code error}; a relayed type without {@code id} (typing, WebRTC signals) gets no answer when it succeeds and
 * one {@code error} when it does not; every other frame gets exactly one {@code ack} or {@code error}, and one
 * with an id used by no other frame gets exactly one answer carrying that id;</li>
 * <li>every frame either connection receives is a JSON object with a {@code type}, and any {@code from} in it is
 * the sending user's id from the token: a client cannot speak for someone else;</li>
 * <li>neither connection is closed by the gateway.</li>
 * </ul>
 *
 * <p>Answers come asynchronously for frames that read the store, so a later frame's answer can come before an
 * earlier one's: no frame of the input can serve as a sentinel for the others. Instead the dispatcher under test
 * is the gateway's {@link Dispatcher} built as the gateway builds it, over the gateway's own handlers, each
 * wrapped to count the frames it is still handling (an answer is given before the handler's {@code Mono}
 * terminates). Once none is in flight, a marker frame written to {@code fuzz-a}'s outbox and seen by its reader
 * shows every earlier answer has been read too (the outbox is first in, first out).
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the committed corpus under
 * {@code src/test/resources/dev/signalgate/gateway/hardening/DispatcherFuzzTestInputs/}: each file holds one
 * frame per line. See {@code protocol/FUZZING.md} for a fuzzing run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.data-dir=${java.io.tmpdir}/signalgate-fuzz-${random.uuid}",
        "gateway.call.reconnect-grace=0s",
        "gateway.store.write-timeout=2s"})
class DispatcherFuzzTest {

    static final String A = "fuzz-a";
    static final String B = "fuzz-b";
    static final int MAX_FRAMES = 24;
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(5);
    /** The id of the marker frames {@link Client#awaitAnswers} writes; no fuzz input can guess it. */
    static final String MARKER_ID = "fuzz-marker-" + UUID.randomUUID();
    static final Set<String> RELAYED_TYPES = Set.of(EventType.CHAT_TYPING.wireName(),
            EventType.CHAT_STOP_TYPING.wireName(), EventType.WEBRTC_OFFER.wireName(),
            EventType.WEBRTC_ANSWER.wireName(), EventType.WEBRTC_ICE_CANDIDATE.wireName());

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final EmbeddedMongo MONGO = EmbeddedMongo.memory().start("127.0.0.1", 0);

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> MONGO.connectionString("fuzz"));
    }

    @AfterAll
    static void stopStore() {
        MONGO.stop();
    }

    @Autowired
    FrameCodec codec;

    @Autowired
    List<DisconnectListener> disconnectListeners;

    @Autowired
    List<EventHandler> handlers;

    @Autowired
    Replies replies;

    @Autowired
    GatewayEvents events;

    /**
     * As {@code gateway.limits.max-rooms-per-connection} binds it. Read as a plain value: a field of a
     * configuration record type would load that record here, under Jazzer's instrumentation, which hides its
     * parameter names from Spring's constructor binding (see the surefire notes in the module's pom).
     */
    @Value("${gateway.limits.max-rooms-per-connection:64}")
    int maxRoomsPerConnection;

    @Autowired
    RemovedMembers removed;

    /** Frames whose handler has been subscribed and has not terminated yet. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private Dispatcher tracked;

    /** The gateway's dispatcher as {@code GatewayConfiguration} builds it, over handlers that count in-flight frames. */
    Dispatcher dispatcher() {
        if (tracked == null) {
            List<EventHandler> counting = handlers.stream().<EventHandler>map(handler -> new EventHandler() {
                @Override
                public Namespace namespace() {
                    return handler.namespace();
                }

                @Override
                public Mono<Void> handle(Connection connection, Envelope frame) {
                    return Mono.defer(() -> handler.handle(connection, frame))
                            .doOnSubscribe(subscription -> inFlight.incrementAndGet())
                            .doFinally(signal -> inFlight.decrementAndGet());
                }
            }).toList();
            tracked = new Dispatcher(codec, replies, counting,
                    new ConnectionPolicy(maxRoomsPerConnection, removed), events);
        }
        return tracked;
    }

    @FuzzTest(maxDuration = "60s")
    @DictionaryEntries({"\"type\"", "\"id\"", "\"room\"", "\"to\"", "\"data\"", "\"from\"", "\"chat:join_room\"",
            "\"chat:leave_room\"", "\"chat:send_message\"", "\"chat:typing\"", "\"chat:stop_typing\"",
            "\"chat:mark_seen\"", "\"chat:history\"", "\"webrtc:join_room\"", "\"webrtc:offer\"",
            "\"webrtc:answer\"", "\"webrtc:ice_candidate\"", "\"webrtc:leave_room\"", "\"auth:refresh\"",
            "\"tempId\"", "\"body\"", "\"meta\"", "\"since\"", "\"before\"", "\"limit\"", "\"seq\"", "\"token\"",
            "\"r\"", "\"consult-42\"", "\"clinic-7:a\"", "\"fuzz-a\"", "\"fuzz-b\""})
    void everyFrameGetsItsAnswer(byte[] input) {
        Client b = new Client(B, List.of("*"));
        Client a = new Client(A, List.of("r", "consult-42", "clinic-7:*"));
        Dispatcher dispatcher = dispatcher();
        try {
            b.setUp(dispatcher);
            b.received.clear();
            List<String> frames = frames(input);
            List<Expectation> expected = new ArrayList<>();
            for (String frame : frames) {
                expected.add(expectationOf(frame));
                try {
                    dispatcher.dispatch(a.connection, frame).block(ANSWER_TIMEOUT);
                } catch (RuntimeException e) {
                    throw new AssertionError("dispatch threw " + e + " for frame " + frame, e);
                }
            }
            a.awaitAnswers(inFlight, replies);
            a.assertAnswered(expected, frames);
            a.assertFramesSpeakOnlyFor(A);
            b.assertFramesSpeakOnlyFor(A);
            assertThat(a.closed.get()).as("close code of fuzz-a").isNull();
            assertThat(b.closed.get()).as("close code of fuzz-b").isNull();
        } finally {
            a.disconnect(disconnectListeners);
            b.disconnect(disconnectListeners);
        }
    }

    /** The input's lines, read as UTF-8 as the WebSocket layer reads a text frame. */
    static List<String> frames(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        List<String> frames = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (frames.size() == MAX_FRAMES) {
                break;
            }
            frames.add(line);
        }
        return frames;
    }

    /** What the contract promises for one frame. */
    record Expectation(Kind kind, String id) {
        enum Kind { ONE_ERROR, ONE_ANSWER, NO_ANSWER_OR_ONE_ERROR }
    }

    Expectation expectationOf(String frame) {
        try {
            Envelope envelope = codec.decode(frame);
            boolean silentOnSuccess = envelope.id() == null && RELAYED_TYPES.contains(envelope.type());
            return new Expectation(silentOnSuccess ? Expectation.Kind.NO_ANSWER_OR_ONE_ERROR
                    : Expectation.Kind.ONE_ANSWER, envelope.id());
        } catch (ProtocolException refused) {
            return new Expectation(Expectation.Kind.ONE_ERROR, refused.correlationId());
        }
    }

    /** One connection without a socket: everything sent to it is kept, in order, as parsed JSON. */
    static final class Client {
        final Connection connection;
        final ConcurrentLinkedQueue<JsonNode> received = new ConcurrentLinkedQueue<>();
        final AtomicReference<CloseCode> closed = new AtomicReference<>();
        final AtomicInteger unparseable = new AtomicInteger();

        Client(String user, List<String> rooms) {
            UserPrincipal principal = new UserPrincipal(user, null, null, RoomAccess.of(rooms),
                    Instant.now().plus(Duration.ofHours(1)));
            Outbox outbox = new Outbox(4096, 1024);
            this.connection = new Connection(ConnectionIds.next(), principal, outbox,
                    (connection, code) -> closed.compareAndSet(null, code), GatewayEvents.none());
            outbox.frames().subscribe(frame -> {
                try {
                    received.add(JSON.readTree(frame.json()));
                } catch (RuntimeException e) {
                    unparseable.incrementAndGet();
                }
            });
        }

        /** fuzz-b joins chat room r and the call of r, and waits for both acks. */
        void setUp(Dispatcher dispatcher) {
            dispatcher.dispatch(connection, "{\"type\":\"chat:join_room\",\"id\":\"b-1\",\"room\":\"r\"}")
                    .block(ANSWER_TIMEOUT);
            dispatcher.dispatch(connection, "{\"type\":\"webrtc:join_room\",\"id\":\"b-2\",\"room\":\"r\"}")
                    .block(ANSWER_TIMEOUT);
            await().atMost(ANSWER_TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .untilAsserted(() -> assertThat(answers()).extracting(frame -> frame.path("type").asString())
                            .containsExactly("ack", "ack"));
        }

        /** The acks and errors this connection got, without the markers of {@link #awaitAnswers}. */
        List<JsonNode> answers() {
            return received.stream().filter(Client::isAnswer)
                    .filter(frame -> !MARKER_ID.equals(frame.path("id").asString(null))).toList();
        }

        static boolean isAnswer(JsonNode frame) {
            String type = frame.path("type").asString();
            return "ack".equals(type) || "error".equals(type);
        }

        /**
         * Waits until every answer the frames will ever get has been read: first until no handler is still at
         * work (each answers before it terminates; frames refused without a handler are answered synchronously
         * in {@code dispatch}), then until a marker written to the outbox after all of those answers is read.
         */
        void awaitAnswers(AtomicInteger inFlight, Replies replies) {
            await().alias("every frame's handler finished").atMost(ANSWER_TIMEOUT).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1)).until(() -> inFlight.get() == 0);
            replies.error(connection, new ProtocolException(ErrorCode.BAD_REQUEST, "marker", MARKER_ID));
            await().alias("the marker after every answer read").atMost(ANSWER_TIMEOUT).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1)).until(() -> received.stream()
                            .anyMatch(frame -> MARKER_ID.equals(frame.path("id").asString(null))));
        }

        void assertAnswered(List<Expectation> expected, List<String> frames) {
            assertThat(unparseable.get()).as("frames that are not JSON").isZero();
            List<JsonNode> answers = answers();
            String context = "frames " + frames + " answered with " + answers;
            assertThat(answers).as(context).noneMatch(answer ->
                    "internal".equals(answer.path("data").path("code").asString()));
            long mandatory = expected.stream().filter(e -> e.kind() != Expectation.Kind.NO_ANSWER_OR_ONE_ERROR)
                    .count();
            assertThat((long) answers.size()).as(context).isBetween(mandatory, (long) expected.size());
            long acks = answers.stream().filter(answer -> "ack".equals(answer.path("type").asString())).count();
            long mayAck = expected.stream().filter(e -> e.kind() == Expectation.Kind.ONE_ANSWER).count();
            assertThat(acks).as(context).isLessThanOrEqualTo(mayAck);
            for (Map.Entry<String, Integer> unique : uniqueIds(expected).entrySet()) {
                Expectation expectation = expected.get(unique.getValue());
                List<JsonNode> withId = answers.stream()
                        .filter(answer -> unique.getKey().equals(answer.path("id").asString(null))).toList();
                assertThat(withId).as("answers to id %s in %s", unique.getKey(), context).hasSize(1);
                if (expectation.kind() == Expectation.Kind.ONE_ERROR) {
                    assertThat(withId.get(0).path("type").asString()).isEqualTo("error");
                }
            }
        }

        /** The ids that exactly one frame of the input carries, with that frame's index. */
        static Map<String, Integer> uniqueIds(List<Expectation> expected) {
            Map<String, Integer> first = new HashMap<>();
            Map<String, Integer> count = new HashMap<>();
            for (int i = 0; i < expected.size(); i++) {
                String id = expected.get(i).id();
                if (id != null) {
                    first.putIfAbsent(id, i);
                    count.merge(id, 1, Integer::sum);
                }
            }
            first.keySet().removeIf(id -> count.get(id) > 1);
            return first;
        }

        void assertFramesSpeakOnlyFor(String sender) {
            for (JsonNode frame : received) {
                assertThat(frame.isObject()).isTrue();
                assertThat(frame.path("type").isString()).as("type of %s", frame).isTrue();
                if (frame.has("from")) {
                    assertThat(frame.path("from").asString()).as("from of %s", frame).isEqualTo(sender);
                }
            }
        }

        void disconnect(List<DisconnectListener> listeners) {
            for (DisconnectListener listener : listeners) {
                listener.disconnected(connection);
            }
            connection.outbox().complete();
        }
    }
}
