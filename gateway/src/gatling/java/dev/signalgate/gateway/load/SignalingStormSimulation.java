package dev.signalgate.gateway.load;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.during;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.regex;
import static io.gatling.javaapi.core.CoreDsl.repeat;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.WsFrameCheck;

/**
 * Consultation signaling storm: pairs of users (a doctor-side "host" and a patient-side "guest") join the call of
 * their own consultation room ({@code webrtc:join_room}) and negotiate again and again: the guest sends an
 * {@code webrtc:offer}, the host answers ({@code webrtc:answer}), then they trade {@code load.candidates} (4)
 * {@code webrtc:ice_candidate}s in turn; every signal is addressed with {@code to} and carries an {@code id}. After
 * {@code load.duration} seconds the guest leaves the call and the host, told by {@code webrtc:peer_left}, leaves
 * too.
 *
 * <p>Each step checks frames, not just the socket: the {@code welcome}; the join {@code ack} (the guest re-asks
 * until the ack lists its host, so no {@code peer_joined} can slip past unseen); for every signal sent, its
 * {@code ack} (same id) and the peer's next signal, whichever comes first ("signal round trip": send to the peer's
 * reply, through the gateway twice); the host's {@code webrtc:peer_left}; the leave {@code ack}. An {@code error}
 * frame with a signal's id (say {@code peer_not_found}) fails the check.
 *
 * <p>Defaults: 100 users (50 pairs), 10 s ramp, 30 s of renegotiation, {@code load.thinkMs} 1000 between
 * negotiations. Assertions: at most {@code load.maxErrorPercent} (1) percent failed checks; "signal round trip"
 * 95th and 99th percentiles under {@code load.p95Ms} (100) and {@code load.p99Ms} (250) ms.
 */
public class SignalingStormSimulation extends Simulation {

    private static final String ROUND_TRIP = "signal round trip";
    private static final String ICE = "webrtc:ice_candidate";
    private static final String SDP = String.join("\\r\\n", List.of("v=0",
            "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0 1",
            "a=extmap-allow-mixed", "a=msid-semantic: WMS load",
            "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
            "a=ice-ufrag:Lq8h", "a=ice-pwd:9x2UuQn0sN1aBt4c8uZfPj6w", "a=ice-options:trickle",
            "a=fingerprint:sha-256 3B:7A:11:0C:5E:42:9D:AF:60:18:C2:7E:44:B1:0D:93:2F:6C:85:E0:19:7B:3A:D4:C8:51:"
                    + "0E:FA:62:97:1D:4B",
            "a=setup:actpass", "a=mid:0", "a=sendrecv", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 minptime=10;useinbandfec=1", "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103",
            "c=IN IP4 0.0.0.0", "a=mid:1", "a=sendrecv", "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000",
            "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 transport-cc", "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack",
            "a=rtcp-fb:96 nack pli", "a=rtpmap:102 H264/90000",
            "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f", ""));

    private final LoadSettings settings = LoadSettings.read(100, 50, 10, 30, 100, 250);
    private final LoadTokens tokens = LoadTokens.from(settings);
    private final int users = Math.max(2, settings.users - settings.users % 2);
    private final int candidates = Math.max(1, LoadSettings.integer("load.candidates", 4));
    private final Duration think = Duration.ofMillis(LoadSettings.integer("load.thinkMs", 1000));
    private final Duration peerWait = settings.ramp.plus(Duration.ofSeconds(30));

    /**
     * A check that takes either the ack of the frame with id {@code idEl}, or the first frame of one of
     * {@code peerTypes}: two of them in a row accept both, in whichever order they arrive. The received type is
     * saved as {@code saveAs}.
     */
    private static WsFrameCheck.Text either(String name, String idEl, String saveAs, String... peerTypes) {
        List<String> accepted = new ArrayList<>(List.of("ack"));
        accepted.addAll(List.of(peerTypes));
        return ws.checkTextMessage(name)
                .matching(regex("\"id\":\"" + idEl + "\"|\"type\":\"(?:" + String.join("|", peerTypes) + ")\"")
                        .exists())
                .check(jsonPath("$.type").in(accepted), jsonPath("$.type").saveAs(saveAs));
    }

    private static String signal(String type, String idEl, String data) {
        return "{\"type\":\"" + type + "\",\"id\":\"" + idEl + "\",\"room\":\"#{room}\",\"to\":\"#{peer}\",\"data\":"
                + data + "}";
    }

    private static String candidate(String who) {
        return "{\"candidate\":\"candidate:#{r} 1 udp 2122260223 192.0.2." + who + " 5#{r}00 typ host generation 0"
                + " ufrag Lq8h network-id 1\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}";
    }

    /** The type of the two that is not the ack (the peer's signal), or "ack" if both were acks. */
    private static Session nextFrom(Session session) {
        String first = session.getString("t1");
        return session.set("next", "ack".equals(first) ? session.getString("t2") : first);
    }

    private final ChainBuilder hostJoins = exec(ws("join call")
            .sendText("{\"type\":\"webrtc:join_room\",\"id\":\"cj\",\"room\":\"#{room}\"}")
            .await(10).on(either("call joined", "cj", "t1", "webrtc:offer"))
            .await(peerWait).on(either("offer from peer", "cj", "t2", "webrtc:offer")))
            .exec(SignalingStormSimulation::nextFrom);

    private final ChainBuilder hostNegotiates = exec(session -> session.set("neg", session.getInt("neg") + 1))
            .exec(ws("answer").sendText(signal("webrtc:answer", "a#{neg}",
                            "{\"type\":\"answer\",\"sdp\":\"" + SDP + "\"}"))
                    .await(10).on(either(ROUND_TRIP, "a#{neg}", "t1", ICE), either(ROUND_TRIP, "a#{neg}", "t2", ICE)))
            .exec(repeat(candidates, "r").on(doIfOrElse(session -> session.getInt("r") < candidates - 1)
                    .then(exec(ws("ice candidate").sendText(signal(ICE, "h#{neg}-#{r}", candidate("1")))
                            .await(10).on(either(ROUND_TRIP, "h#{neg}-#{r}", "t1", ICE),
                                    either(ROUND_TRIP, "h#{neg}-#{r}", "t2", ICE))))
                    .orElse(exec(ws("last ice candidate").sendText(signal(ICE, "h#{neg}-#{r}", candidate("1")))
                            .await(10).on(either("ice acked", "h#{neg}-#{r}", "t1", "webrtc:offer",
                                    "webrtc:peer_left"))
                            .await(think.plus(Duration.ofSeconds(10))).on(either("next offer or peer left",
                                    "h#{neg}-#{r}", "t2", "webrtc:offer", "webrtc:peer_left")))
                            .exec(SignalingStormSimulation::nextFrom))));

    private final ChainBuilder host = exec(hostJoins)
            .asLongAs(session -> "webrtc:offer".equals(session.getString("next"))).on(hostNegotiates)
            .exec(leave("host"));

    // Re-joining is idempotent and its ack lists the peers: ask until the host is there.
    private final ChainBuilder guestJoins = exec(session -> session.set("hostPresent", false).set("polls", 0))
            .asLongAs(session -> !session.getBoolean("hostPresent") && session.getInt("polls") < 300).on(
                    exec(session -> session.set("polls", session.getInt("polls") + 1))
                            .exec(ws("join call")
                                    .sendText("{\"type\":\"webrtc:join_room\",\"id\":\"cj#{polls}\",\"room\":\"#{room}\"}")
                                    .await(10).on(ws.checkTextMessage("call joined")
                                            .matching(jsonPath("$.id").isEL("cj#{polls}"))
                                            .check(jsonPath("$.type").is("ack"), bodyString().saveAs("callAck"))))
                            .exec(session -> session.set("hostPresent", session.contains("callAck")
                                    && session.getString("callAck").contains("\"" + session.getString("peer") + "\"")))
                            .doIf(session -> !session.getBoolean("hostPresent")).then(pause(Duration.ofMillis(100))));

    private final ChainBuilder guestNegotiates = exec(session -> session.set("neg", session.getInt("neg") + 1))
            .exec(ws("offer").sendText(signal("webrtc:offer", "o#{neg}", "{\"type\":\"offer\",\"sdp\":\"" + SDP + "\"}"))
                    .await(10).on(either(ROUND_TRIP, "o#{neg}", "t1", "webrtc:answer"),
                            either(ROUND_TRIP, "o#{neg}", "t2", "webrtc:answer")))
            .exec(repeat(candidates, "r").on(exec(ws("ice candidate")
                    .sendText(signal(ICE, "g#{neg}-#{r}", candidate("2")))
                    .await(10).on(either(ROUND_TRIP, "g#{neg}-#{r}", "t1", ICE),
                            either(ROUND_TRIP, "g#{neg}-#{r}", "t2", ICE)))))
            .pause(think);

    private final ChainBuilder guest = exec(guestJoins)
            .doIf(session -> session.getBoolean("hostPresent"))
            .then(during(settings.duration).on(guestNegotiates))
            .exec(leave("guest"));

    private static ChainBuilder leave(String who) {
        return exec(ws("leave call").sendText("{\"type\":\"webrtc:leave_room\",\"id\":\"bye\",\"room\":\"#{room}\"}")
                .await(10).on(ws.checkTextMessage("call left (" + who + ")")
                        .matching(jsonPath("$.id").is("bye"))
                        .check(jsonPath("$.type").is("ack"))))
                .exec(ws("close").close());
    }

    private final ScenarioBuilder storm = scenario("consultation signaling storm")
            .exec(GatewaySteps.identify(tokens, index -> settings.room("call", index / 2)))
            .exec(session -> session.set("peer", tokens.userId(GatewaySteps.index(session) ^ 1)).set("neg", 0))
            .exec(GatewaySteps.connect(settings))
            .exitHereIfFailed()
            .doIfOrElse(session -> GatewaySteps.index(session) % 2 == 0).then(host).orElse(guest);

    {
        System.out.println("signaling storm: " + settings.describe() + " pairs=" + users / 2 + " candidates="
                + candidates + " think=" + think);
        setUp(storm.injectOpen(rampUsers(users).during(settings.ramp)))
                .protocols(http.wsBaseUrl(settings.baseUrl()))
                .assertions(
                        global().failedRequests().percent().lte(settings.maxErrorPercent),
                        details(ROUND_TRIP).responseTime().percentile(95.0).lt(settings.p95Ms),
                        details(ROUND_TRIP).responseTime().percentile(99.0).lt(settings.p99Ms),
                        details(ROUND_TRIP).requestsPerSec().gt(0.0));
    }
}
