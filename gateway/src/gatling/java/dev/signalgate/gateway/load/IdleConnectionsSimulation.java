package dev.signalgate.gateway.load;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.ws;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * Connection ramp to many idle users: users arrive over {@code load.ramp} seconds, each opens a socket (checks
 * the {@code welcome}), joins a room (checks the {@code ack} with the join's id and room), then stays connected
 * and silent for {@code load.duration} seconds while the gateway pings it and presence traffic of later arrivals
 * flows past. At the end each user proves its connection still works: an acknowledged {@code chat:typing} with an
 * id ("still connected"), then it closes.
 *
 * <p>Defaults: 1,000 users in 50 rooms, 30 s ramp, 60 s idle. For tens of thousands of users give Gatling more
 * heap ({@code -Dgatling.jvmArgs=-Xmx4g}) and mind the open-file limit of both ends. Assertions: at most
 * {@code load.maxErrorPercent} (1) percent failed checks; 95th and 99th percentile of response times under
 * {@code load.p95Ms} (500) and {@code load.p99Ms} (1000) ms.
 */
public class IdleConnectionsSimulation extends Simulation {

    private final LoadSettings settings = LoadSettings.read(1000, 50, 30, 60, 500, 1000);
    private final LoadTokens tokens = LoadTokens.from(settings);

    private final ScenarioBuilder idle = scenario("idle connection ramp")
            .exec(GatewaySteps.identify(tokens, index -> settings.room("idle", index % settings.rooms)))
            .exec(GatewaySteps.connect(settings))
            .exitHereIfFailed()
            .exec(ws("join room")
                    .sendText("{\"type\":\"chat:join_room\",\"id\":\"join\",\"room\":\"#{room}\"}")
                    .await(10).on(ws.checkTextMessage("join ack")
                            .matching(jsonPath("$.id").is("join"))
                            .check(jsonPath("$.type").is("ack"), jsonPath("$.data.room").isEL("#{room}"))))
            .exitHereIfFailed()
            .pause(settings.duration)
            .exec(ws("still connected")
                    .sendText("{\"type\":\"chat:typing\",\"id\":\"alive\",\"room\":\"#{room}\"}")
                    .await(10).on(ws.checkTextMessage("still connected")
                            .matching(jsonPath("$.id").is("alive"))
                            .check(jsonPath("$.type").is("ack"))))
            .exec(ws("close").close());

    {
        System.out.println("idle connections: " + settings.describe());
        setUp(idle.injectOpen(rampUsers(settings.users).during(settings.ramp)))
                .protocols(http.wsBaseUrl(settings.baseUrl()))
                .assertions(
                        global().failedRequests().percent().lte(settings.maxErrorPercent),
                        global().responseTime().percentile(95.0).lt(settings.p95Ms),
                        global().responseTime().percentile(99.0).lt(settings.p99Ms));
    }
}
