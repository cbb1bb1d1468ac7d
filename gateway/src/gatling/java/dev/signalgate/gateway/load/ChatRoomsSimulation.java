package dev.signalgate.gateway.load;

import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import java.time.Duration;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Chat rooms: users spread over rooms join, then chat for {@code load.duration} seconds.
 *
 * <p>Each user: opens a socket (checks the {@code welcome} names it), joins its room (checks the {@code ack}
 * carries the join's id, the room, and a member list that includes the user), then, until the duration is up,
 * sends a {@code chat:send_message} about every {@code load.messageIntervalMs} (default 1000) and checks, in
 * order, the {@code ack} with the send's id and {@code tempId}, then its own {@code chat:confirmed} for that
 * {@code tempId}, from itself, with a positive {@code seq}. Frames that arrive while no check waits (the other
 * members' {@code chat:message} during the pauses) are counted; before closing, the user checks it received at
 * least one {@code chat:message} from another member and never one of its own.
 *
 * <p>Defaults: 200 users in 20 rooms, 10 s ramp, 60 s of chat. Assertions: at most {@code load.maxErrorPercent}
 * (1) percent failed checks; 95th and 99th percentile of response times under {@code load.p95Ms} (250) and
 * {@code load.p99Ms} (500) ms. Keep {@code load.duration} at least {@code load.ramp}, so that room mates overlap.
 */
public class ChatRoomsSimulation extends Simulation {

    private static final String CHAT_MESSAGE = "\"type\":\"chat:message\"";

    private final LoadSettings settings = LoadSettings.read(200, 20, 10, 60, 250, 500);
    private final LoadTokens tokens = LoadTokens.from(settings);
    private final Duration interval = Duration.ofMillis(LoadSettings.integer("load.messageIntervalMs", 1000));
    // Rooms of one would never see another member's message: at least two users per room.
    private final int rooms = Math.max(1, Math.min(settings.rooms, settings.users / 2));

    private final ChainBuilder joinRoom = exec(ws("join room")
            .sendText("{\"type\":\"chat:join_room\",\"id\":\"join\",\"room\":\"#{room}\"}")
            .await(10).on(ws.checkTextMessage("join ack")
                    .matching(jsonPath("$.id").is("join"))
                    .check(jsonPath("$.type").is("ack"), jsonPath("$.data.room").isEL("#{room}"),
                            jsonPath("$.data.members[*]").findAll()
                                    .transformWithSession((members, session) -> members.contains(session.getString("userId")))
                                    .is(true))));

    // Sending a frame clears Gatling's buffer of unmatched frames: count what arrived while idle before each send.
    private final ChainBuilder countOthersMessages = exec(ws.processUnmatchedMessages((messages, session) -> {
        String mine = "\"from\":\"" + session.getString("userId") + "\"";
        int seen = GatewaySteps.count(messages, CHAT_MESSAGE);
        int ownEchoes = GatewaySteps.count(messages, CHAT_MESSAGE, mine);
        return session.set("othersSeen", session.getInt("othersSeen") + seen - ownEchoes)
                .set("ownEchoes", session.getInt("ownEchoes") + ownEchoes);
    }));

    private final ChainBuilder sendAndConfirm = exec(session -> {
        int n = session.getInt("n") + 1;
        return session.set("n", n).set("sendId", "s" + n).set("tempId", session.getString("userId") + "-" + n);
    }).exec(ws("send message")
            .sendText("{\"type\":\"chat:send_message\",\"id\":\"#{sendId}\",\"room\":\"#{room}\","
                    + "\"data\":{\"tempId\":\"#{tempId}\",\"body\":\"load message #{n} from #{userId}\"}}")
            .await(10).on(
                    ws.checkTextMessage("send ack")
                            .matching(jsonPath("$.id").isEL("#{sendId}"))
                            .check(jsonPath("$.type").is("ack"), jsonPath("$.data.tempId").isEL("#{tempId}")),
                    // Both outcomes carry the tempId: a chat:failed matches too, and fails the type check.
                    ws.checkTextMessage("own chat:confirmed")
                            .matching(jsonPath("$.data.tempId").isEL("#{tempId}"))
                            .check(jsonPath("$.type").is("chat:confirmed"), jsonPath("$.from").isEL("#{userId}"),
                                    jsonPath("$.seq").ofLong().gt(0L), jsonPath("$.data.msgId").exists())));

    // An acked typing frame closes the run, and its check fails unless others' messages (and no echo) arrived.
    private final ChainBuilder othersReceived = exec(ws("others' chat:message received")
            .sendText("{\"type\":\"chat:typing\",\"id\":\"done\",\"room\":\"#{room}\"}")
            .await(10).on(ws.checkTextMessage("others' chat:message received")
                    .matching(jsonPath("$.id").is("done"))
                    .check(jsonPath("$.type").is(session -> session.getInt("othersSeen") > 0
                            && session.getInt("ownEchoes") == 0
                                    ? "ack"
                                    : "ack, after chat:message frames from other members and none of the user's own"
                                            + " (saw " + session.getInt("othersSeen") + " and "
                                            + session.getInt("ownEchoes") + ")"))));

    private final ScenarioBuilder chat = scenario("chat rooms")
            .exec(GatewaySteps.identify(tokens, index -> settings.room("chat", index % rooms)))
            .exec(session -> session.set("n", 0).set("othersSeen", 0).set("ownEchoes", 0))
            .exec(GatewaySteps.connect(settings))
            .exitHereIfFailed()
            .exec(joinRoom)
            .exitHereIfFailed()
            .exec(during(settings.duration).on(exec(countOthersMessages, sendAndConfirm)
                    .pause(interval.dividedBy(2), interval.multipliedBy(3).dividedBy(2))))
            .exec(countOthersMessages, othersReceived)
            .exec(ws("close").close());

    {
        System.out.println("chat rooms: " + settings.describe() + " rooms(used)=" + rooms + " interval=" + interval);
        setUp(chat.injectOpen(rampUsers(settings.users).during(settings.ramp)))
                .protocols(http.wsBaseUrl(settings.baseUrl()).wsUnmatchedInboundMessageBufferSize(256))
                .assertions(
                        global().failedRequests().percent().lte(settings.maxErrorPercent),
                        global().responseTime().percentile(95.0).lt(settings.p95Ms),
                        global().responseTime().percentile(99.0).lt(settings.p99Ms));
    }
}
