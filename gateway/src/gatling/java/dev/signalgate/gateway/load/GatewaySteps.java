package dev.signalgate.gateway.load;

import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jsonPath;
import static io.gatling.javaapi.http.HttpDsl.ws;

import java.util.List;
import java.util.function.IntFunction;

import io.gatling.http.action.ws.WsInboundMessage;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

/**
 * Steps every simulation shares: who a virtual user is, and a connection that is only counted as open once the
 * gateway's {@code welcome} frame names the right user.
 */
final class GatewaySteps {

    private GatewaySteps() {
    }

    /** The 0-based index of a virtual user (Gatling numbers them from 1). */
    static int index(Session session) {
        return (int) (session.userId() - 1);
    }

    /** Sets {@code userId}, {@code token} and {@code room} in the session. */
    static ChainBuilder identify(LoadTokens tokens, IntFunction<String> roomOf) {
        return exec(session -> {
            int index = index(session);
            return session.set("userId", tokens.userId(index)).set("token", tokens.token(index))
                    .set("room", roomOf.apply(index));
        });
    }

    /** Opens the socket with the bearer token and checks the welcome frame. */
    static ChainBuilder connect(LoadSettings settings) {
        return exec(ws("connect").connect(settings.path())
                .header("Authorization", "Bearer #{token}")
                .await(10).on(ws.checkTextMessage("welcome")
                        .check(jsonPath("$.type").is("welcome"), jsonPath("$.data.userId").isEL("#{userId}"),
                                jsonPath("$.data.connectionId").exists())));
    }

    /**
     * How many of {@code messages} (frames that arrived while no check was waiting for them) are text frames
     * containing every one of {@code markers}.
     */
    static int count(List<WsInboundMessage> messages, String... markers) {
        int found = 0;
        for (WsInboundMessage message : messages) {
            if (message instanceof WsInboundMessage.Text text && containsAll(text.message(), markers)) {
                found++;
            }
        }
        return found;
    }

    private static boolean containsAll(String text, String... markers) {
        for (String marker : markers) {
            if (!text.contains(marker)) {
                return false;
            }
        }
        return true;
    }
}
