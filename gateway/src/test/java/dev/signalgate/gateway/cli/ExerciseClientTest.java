package dev.signalgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the training traffic's client answers what the gateway tells it, over a socket that records what is sent:
 * a store too slow for a message ({@code chat:failed} with {@code unavailable}) is retried with the same tempId, as
 * the contract asks, and is not an error; any other failure is.
 */
class ExerciseClientTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<JsonNode> sent = new CopyOnWriteArrayList<>();
    private final ExerciseTally tally = new ExerciseTally();
    private final ExerciseClient client = new ExerciseClient("exercise-doctor-1", "exercise-patient-1", true,
            "exercise-consult-1", "exercise-lobby", () -> "refreshed", tally);

    ExerciseClientTest() {
        client.onOpen(recordingSocket());
    }

    @Test
    void aMessageTheStoreCouldNotTakeInTimeIsSentAgainWithItsTempIdAndIsNoError() {
        String tempId = firstMessageSent();
        receive("chat:failed", "unavailable", tempId);

        sent.clear();
        for (int i = 1; i < 10; i++) {
            client.tick();
        }
        assertThat(sent).filteredOn(frame -> "chat:send_message".equals(frame.path("type").asString()))
                .extracting(frame -> frame.path("data").path("tempId").asString())
                .contains(tempId);
        assertThat(tally.errors()).isZero();
        assertThat(tally.unavailable.sum()).isEqualTo(1);
    }

    @Test
    void aMessageThatFailedForAnyOtherReasonIsAnError() {
        receive("chat:failed", "internal", firstMessageSent());

        assertThat(tally.errors()).isEqualTo(1);
        assertThat(tally.problems()).singleElement().asString().contains("failed: internal");
    }

    private String firstMessageSent() {
        client.tick();
        JsonNode message = sent.get(0);
        assertThat(message.path("type").asString()).isEqualTo("chat:send_message");
        return message.path("data").path("tempId").asString();
    }

    private void receive(String type, String code, String tempId) {
        String frame = JSON.createObjectNode().put("type", type).put("room", "exercise-consult-1")
                .put("from", "exercise-doctor-1")
                .set("data", JSON.createObjectNode().put("tempId", tempId).put("code", code).put("message", "m"))
                .toString();
        client.onText(recordingSocket(), frame, true);
    }

    private WebSocket recordingSocket() {
        return (WebSocket) Proxy.newProxyInstance(WebSocket.class.getClassLoader(), new Class<?>[] {WebSocket.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "sendText" -> {
                        sent.add(JSON.readTree(args[0].toString()));
                        yield CompletableFuture.completedFuture(proxy);
                    }
                    case "sendClose", "sendPing", "sendPong", "sendBinary" -> CompletableFuture.completedFuture(proxy);
                    case "request", "abort" -> null;
                    case "isOutputClosed", "isInputClosed" -> false;
                    case "getSubprotocol" -> "";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "recording socket";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
