package dev.signalgate.gateway.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.signalgate.gateway.connection.ConnectionRegistry;
import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.LogFlush;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import dev.signalgate.persistence.embedded.EmbeddedMongo;
import tools.jackson.databind.JsonNode;

/**
 * A storm of malformed frames while healthy members chat: 5 abusers send 2,000 frames each, 20 kinds of bad input
 * in turn, and 5 more connections send one frame over the size limit each, while 50 healthy connections in 10
 * rooms exchange 500 messages.
 *
 * <ul>
 * <li>every bad frame is answered with its own error, with the right code (and its id when one was readable),
 * and the abusers' connections stay open; each oversized frame closes its connection with 1009;</li>
 * <li>every healthy member receives every {@code chat:message} of the others and the {@code chat:confirmed} of
 * every message of its room, once each, in {@code seq} order;</li>
 * <li>the server logs no error and no stack trace of the gateway's own code.</li>
 * </ul>
 *
 * <p>The rate limits are raised out of the way (this is about bad input, not volume), and each abuser keeps at
 * most {@value #WINDOW} frames unanswered, as any client reading its socket does, so the default outbound queue
 * never fills up.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.data-dir=${java.io.tmpdir}/signalgate-test-${random.uuid}",
        "gateway.limits.rate-per-second=1000000",
        "gateway.limits.rate-burst=1000000",
        "gateway.limits.max-connections-per-user=1000",
        "gateway.store.write-timeout=60s"})
// A context of its own that no other test shares: closed after this class.
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class MalformedFrameStormTest {

    static final int ABUSERS = 5;
    static final int FRAMES_PER_ABUSER = 2_000;
    static final int OVERSIZED_CONNECTIONS = 5;
    static final int ROOMS = 10;
    static final int MEMBERS_PER_ROOM = 5;
    static final int MESSAGES_PER_MEMBER = 10;
    static final int WINDOW = 256;
    static final Duration STORM_TIMEOUT = Duration.ofMinutes(4);
    /** How long one client waits for its next frame: generous, CI machines are small and shared. */
    static final Duration FRAME_TIMEOUT = Duration.ofSeconds(60);
    private static final EmbeddedMongo MONGO = EmbeddedMongo.memory().start("127.0.0.1", 0);

    @DynamicPropertySource
    static void store(DynamicPropertyRegistry registry) {
        registry.add("spring.mongodb.uri", () -> MONGO.connectionString("storm"));
    }

    @AfterAll
    static void stopStore() {
        MONGO.stop();
    }

    /** One kind of bad frame: how to send the n-th one, the code it must get, and whether its id is readable. */
    record Kind(String name, String code, boolean idReadable, java.util.function.IntFunction<String> frame) {
        boolean binary() {
            return frame == null;
        }
    }

    static final List<Kind> KINDS = List.of(
            new Kind("not json", "bad_request", false, n -> "hello there " + n),
            new Kind("truncated json", "bad_request", false, n -> "{\"type\":\"chat:typing\",\"id\":\"" + n),
            new Kind("json array", "bad_request", false, n -> "[" + n + ",2]"),
            new Kind("json number", "bad_request", false, n -> String.valueOf(n)),
            new Kind("empty object", "bad_request", false, n -> "{}"),
            new Kind("type not a string", "bad_request", true, n -> "{\"id\":\"" + id(5, n) + "\",\"type\":7}"),
            new Kind("unknown type", "unknown_type", true,
                    n -> "{\"id\":\"" + id(6, n) + "\",\"type\":\"chat:nope\",\"room\":\"r\"}"),
            new Kind("server-only type", "unknown_type", true,
                    n -> "{\"id\":\"" + id(7, n) + "\",\"type\":\"chat:confirmed\",\"room\":\"r\"}"),
            new Kind("foreign namespace", "unknown_type", true,
                    n -> "{\"id\":\"" + id(8, n) + "\",\"type\":\"queue:updated\",\"room\":\"r\"}"),
            new Kind("room with bad characters", "bad_request", true,
                    n -> "{\"id\":\"" + id(9, n) + "\",\"type\":\"chat:join_room\",\"room\":\"a b/" + n + "\"}"),
            new Kind("room too long", "bad_request", true,
                    n -> "{\"id\":\"" + id(10, n) + "\",\"type\":\"chat:join_room\",\"room\":\"" + "r".repeat(129)
                            + "\"}"),
            new Kind("id too long", "bad_request", false,
                    n -> "{\"id\":\"" + "i".repeat(65) + "\",\"type\":\"chat:typing\",\"room\":\"r\"}"),
            new Kind("data not an object", "bad_request", true,
                    n -> "{\"id\":\"" + id(12, n) + "\",\"type\":\"webrtc:offer\",\"room\":\"r\",\"data\":[" + n + "]}"),
            new Kind("duplicate keys", "bad_request", false,
                    n -> "{\"id\":\"" + id(13, n) + "\",\"type\":\"chat:typing\",\"type\":\"chat:typing\"}"),
            new Kind("trailing garbage", "bad_request", false,
                    n -> "{\"id\":\"" + id(14, n) + "\",\"type\":\"chat:typing\",\"room\":\"r\"} x"),
            new Kind("nested too deep", "bad_request", false,
                    n -> "{\"id\":\"" + id(15, n) + "\",\"type\":\"webrtc:offer\",\"room\":\"r\",\"data\":"
                            + "{\"a\":".repeat(40) + n + "}".repeat(40) + "}"),
            new Kind("send without joining", "not_in_room", true,
                    n -> "{\"id\":\"" + id(16, n) + "\",\"type\":\"chat:send_message\",\"room\":\"abuse-1\","
                            + "\"data\":{\"tempId\":\"t" + n + "\",\"body\":\"x\"}}"),
            new Kind("signal outside a call", "not_in_room", true,
                    n -> "{\"id\":\"" + id(17, n) + "\",\"type\":\"webrtc:offer\",\"room\":\"abuse-1\",\"data\":{}}"),
            new Kind("join outside the rooms claim", "forbidden", true,
                    n -> "{\"id\":\"" + id(18, n) + "\",\"type\":\"chat:join_room\",\"room\":\"room-0\"}"),
            new Kind("binary frame", "bad_request", false, null));

    static String id(int kind, int n) {
        return "k" + kind + "-" + n;
    }

    /** An ERROR line of Spring Boot's console format, or a stack frame of the gateway's own code. */
    static final Pattern ERROR_LINE = Pattern.compile("^\\S+\\s+ERROR\\s", Pattern.MULTILINE);
    static final Pattern OWN_STACK_FRAME = Pattern.compile("^\\s+at dev\\.signalgate\\.", Pattern.MULTILINE);

    @LocalServerPort
    int port;

    @Autowired
    ConnectionRegistry registry;

    @Test
    void everyBadFrameGetsItsErrorWhileHealthyRoomsGetEverything(CapturedOutput output) throws Exception {
        assertThat(KINDS).hasSize(20);
        List<List<TestClient>> rooms = joinHealthyRooms();
        List<TestClient> abusers = new ArrayList<>();
        List<TestClient> oversized = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(ABUSERS + ROOMS * MEMBERS_PER_ROOM + OVERSIZED_CONNECTIONS);
        try {
            for (int a = 0; a < ABUSERS; a++) {
                abusers.add(TestClient.connected(port, Tokens.forUser("abuser-" + a, null, List.of("abuse-*"))));
            }
            for (int o = 0; o < OVERSIZED_CONNECTIONS; o++) {
                oversized.add(TestClient.connected(port, Tokens.forUser("oversized-" + o)));
            }

            List<Future<Map<String, Object>>> storm = new ArrayList<>();
            for (TestClient abuser : abusers) {
                storm.add(pool.submit(() -> abuse(abuser)));
            }
            List<Future<Integer>> closes = new ArrayList<>();
            for (TestClient big : oversized) {
                closes.add(pool.submit(() -> {
                    big.send("{\"type\":\"chat:typing\",\"room\":\"r\",\"data\":{\"pad\":\"" + "x".repeat(70_000)
                            + "\"}}");
                    return big.awaitCloseCode();
                }));
            }
            List<Future<?>> chat = new ArrayList<>();
            for (int r = 0; r < ROOMS; r++) {
                for (TestClient member : rooms.get(r)) {
                    String room = "room-" + r;
                    chat.add(pool.submit(() -> chatAndCollect(member, room)));
                }
            }

            for (Future<Map<String, Object>> abuser : storm) {
                Map<String, Object> result = abuser.get(STORM_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(result.get("problems")).as("abuser problems").isEqualTo(List.of());
            }
            for (Future<Integer> close : closes) {
                assertThat(close.get(STORM_TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(1009);
            }
            for (Future<?> member : chat) {
                member.get(STORM_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }

            for (TestClient abuser : abusers) {
                assertThat(abuser.isClosed()).isFalse();
                assertThat(abuser.request(Frames.of("chat:join_room", "abuse-after").id("after").build())
                        .path("room").asString()).isEqualTo("abuse-after");
            }
            for (int o = 0; o < OVERSIZED_CONNECTIONS; o++) {
                awaitNoConnection("oversized-" + o);
            }
        } finally {
            pool.shutdownNow();
            abusers.forEach(TestClient::close);
            oversized.forEach(TestClient::close);
            rooms.forEach(members -> members.forEach(TestClient::close));
        }
        LogFlush.awaitWritten(output);
        String log = output.getAll();
        assertThat(ERROR_LINE.matcher(log).results().map(m -> lineAt(log, m.start())).toList())
                .as("ERROR lines in the server log").isEmpty();
        assertThat(OWN_STACK_FRAME.matcher(log).find()).as("stack traces through dev.signalgate in the log")
                .isFalse();
    }

    private List<List<TestClient>> joinHealthyRooms() {
        List<List<TestClient>> rooms = new ArrayList<>();
        for (int r = 0; r < ROOMS; r++) {
            List<TestClient> members = new ArrayList<>();
            for (int m = 0; m < MEMBERS_PER_ROOM; m++) {
                TestClient member = TestClient.connected(port, Tokens.forUser("member-" + r + "-" + m));
                member.request(Frames.of("chat:join_room", "room-" + r).id("join").build());
                members.add(member);
            }
            rooms.add(members);
        }
        // Each member has seen the later members join: drop those frames before the chat starts.
        for (List<TestClient> members : rooms) {
            for (int m = 0; m < members.size(); m++) {
                members.get(m).collect("chat:user_joined", members.size() - 1 - m);
            }
        }
        return rooms;
    }

    /**
     * Sends the abuser's 2,000 frames, the kinds in turn, keeping at most {@link #WINDOW} unanswered, and checks
     * the answers: one error per frame, codes counted per kind, ids as sent where readable.
     */
    private Map<String, Object> abuse(TestClient abuser) {
        Reader reader = new Reader(abuser);
        List<JsonNode> answers = new ArrayList<>();
        Map<String, Integer> expectedCodes = new HashMap<>();
        Set<String> expectedIds = new HashSet<>();
        int expectedWithoutId = 0;
        for (int n = 0; n < FRAMES_PER_ABUSER; n++) {
            Kind kind = KINDS.get(n % KINDS.size());
            if (kind.binary()) {
                abuser.sendBinary(new byte[] {(byte) n, 1, 2, 3});
            } else {
                abuser.send(kind.frame().apply(n));
            }
            expectedCodes.merge(kind.code(), 1, Integer::sum);
            if (kind.idReadable()) {
                expectedIds.add(id(KINDS.indexOf(kind), n));
            } else {
                expectedWithoutId++;
            }
            answers.addAll(reader.available());
            while (n + 1 - answers.size() > WINDOW) {
                answers.add(reader.next());
            }
        }
        while (answers.size() < FRAMES_PER_ABUSER) {
            answers.add(reader.next());
        }
        answers.addAll(reader.available());
        answers.addAll(abuser.drain(Duration.ofMillis(200)));

        List<String> problems = new ArrayList<>();
        Map<String, Integer> codes = new HashMap<>();
        Set<String> ids = new HashSet<>();
        int withoutId = 0;
        for (JsonNode answer : answers) {
            if (!"error".equals(answer.path("type").asString())) {
                problems.add("not an error: " + answer);
                continue;
            }
            codes.merge(answer.path("data").path("code").asString(), 1, Integer::sum);
            if (answer.has("id")) {
                if (!ids.add(answer.path("id").asString())) {
                    problems.add("answered twice: " + answer);
                }
            } else {
                withoutId++;
            }
        }
        if (answers.size() != FRAMES_PER_ABUSER) {
            problems.add(answers.size() + " answers to " + FRAMES_PER_ABUSER + " frames");
        }
        if (!codes.equals(expectedCodes)) {
            problems.add("codes " + codes + ", expected " + expectedCodes);
        }
        if (!ids.equals(expectedIds)) {
            problems.add(ids.size() + " answers with ids, expected " + expectedIds.size());
        }
        if (withoutId != expectedWithoutId) {
            problems.add(withoutId + " answers without id, expected " + expectedWithoutId);
        }
        return Map.of("problems", problems);
    }

    /**
     * Sends this member's messages, then reads until it has every other member's {@code chat:message} and the
     * {@code chat:confirmed} of every message of the room.
     */
    private Void chatAndCollect(TestClient member, String room) {
        for (int i = 0; i < MESSAGES_PER_MEMBER; i++) {
            member.send(Frames.of("chat:send_message", room).id("s" + i)
                    .data("tempId", member.hashCode() + "-" + i).data("body", "message " + i).build());
        }
        int othersMessages = (MEMBERS_PER_ROOM - 1) * MESSAGES_PER_MEMBER;
        int roomMessages = MEMBERS_PER_ROOM * MESSAGES_PER_MEMBER;
        Set<String> relayed = new HashSet<>();
        Set<String> confirmed = new HashSet<>();
        int acks = 0;
        long lastSeq = 0;
        Reader reader = new Reader(member);
        while (relayed.size() < othersMessages || confirmed.size() < roomMessages || acks < MESSAGES_PER_MEMBER) {
            JsonNode frame = reader.next();
            String type = frame.path("type").asString();
            switch (type) {
                case "chat:message" -> assertThat(relayed.add(frame.path("from").asString() + "/"
                        + frame.path("data").path("tempId").asString())).as("duplicate %s", frame).isTrue();
                case "chat:confirmed" -> {
                    assertThat(confirmed.add(frame.path("data").path("tempId").asString()))
                            .as("duplicate %s", frame).isTrue();
                    assertThat(frame.path("seq").asLong()).isGreaterThan(lastSeq);
                    lastSeq = frame.path("seq").asLong();
                }
                case "ack" -> acks++;
                default -> throw new AssertionError(room + " member got " + frame);
            }
        }
        List<JsonNode> rest = new ArrayList<>(reader.available());
        rest.addAll(member.drain(Duration.ofMillis(100)));
        assertThat(rest).extracting(frame -> frame.path("type").asString())
                .doesNotContain("chat:message", "chat:confirmed", "error");
        return null;
    }

    /** Reads a client's frames one at a time, waiting up to {@link #FRAME_TIMEOUT} for each. */
    static final class Reader {
        private final TestClient client;
        private final java.util.ArrayDeque<JsonNode> pending = new java.util.ArrayDeque<>();

        Reader(TestClient client) {
            this.client = client;
        }

        /** Whatever has arrived, without waiting. */
        List<JsonNode> available() {
            pending.addAll(client.drain(Duration.ZERO));
            List<JsonNode> frames = new ArrayList<>(pending);
            pending.clear();
            return frames;
        }

        JsonNode next() {
            return pending.isEmpty() ? client.next(FRAME_TIMEOUT) : pending.poll();
        }
    }

    private void awaitNoConnection(String user) {
        await().atMost(TestClient.TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(registry.ofUser(user)).as("%s still registered", user).isEmpty());
    }

    private static String lineAt(String text, int start) {
        int end = text.indexOf('\n', start);
        return text.substring(start, end < 0 ? text.length() : end);
    }
}
