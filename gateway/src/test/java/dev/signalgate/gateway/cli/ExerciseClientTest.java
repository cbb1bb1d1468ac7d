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
    void aMessageThatFailedAsTheTrafficEndedIsSentAgainByTheDrainAndAwaited() {
        String tempId = firstMessageSent();
        receive("chat:failed", "unavailable", tempId);
        answer(sent.get(0), "ack");

        assertThat(client.settled()).isFalse();
        assertThat(client.unsettled()).contains("1 waiting to be sent again");

        sent.clear();
        client.retryFailed();
        assertThat(sent).singleElement().satisfies(retry -> {
            assertThat(retry.path("type").asString()).isEqualTo("chat:send_message");
            assertThat(retry.path("data").path("tempId").asString()).isEqualTo(tempId);
        });
        answer(sent.get(0), "ack");
        receive("chat:confirmed", null, tempId);
        assertThat(client.settled()).isTrue();
        assertThat(tally.errors()).isZero();
    }

    @Test
    void aRetryForTheConsultationWaitsUntilTheClientIsBackInIt() {
        for (int i = 0; i < 9; i++) {
            client.tick();
        }
        String lastToConsult = sent.stream()
                .filter(frame -> "chat:send_message".equals(frame.path("type").asString()))
                .filter(frame -> "exercise-consult-1".equals(frame.path("room").asString()))
                .reduce((first, second) -> second).orElseThrow().path("data").path("tempId").asString();
        receive("chat:failed", "unavailable", lastToConsult);
        sent.stream().filter(frame -> frame.has("id")).toList().forEach(frame -> answer(frame, "ack"));
        receive("chat:confirmed", null, firstTempIdTo("exercise-consult-1"));

        sent.clear();
        client.tick();
        JsonNode leave = sent.get(0);
        assertThat(leave.path("type").asString()).isEqualTo("chat:leave_room");

        sent.clear();
        client.retryFailed();
        assertThat(sent).as("nothing before the leave is answered").isEmpty();
        answer(leave, "ack");
        client.retryFailed();
        assertThat(sent).extracting(frame -> frame.path("type").asString())
                .containsExactly("chat:join_room", "chat:send_message");
        assertThat(sent.get(1).path("data").path("tempId").asString()).isEqualTo(lastToConsult);
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

    private String firstTempIdTo(String room) {
        return sent.stream().filter(frame -> "chat:send_message".equals(frame.path("type").asString()))
                .filter(frame -> room.equals(frame.path("room").asString())).findFirst().orElseThrow()
                .path("data").path("tempId").asString();
    }

    private void receive(String type, String code, String tempId) {
        var data = JSON.createObjectNode().put("tempId", tempId);
        if (code != null) {
            data.put("code", code).put("message", "m");
        }
        String frame = JSON.createObjectNode().put("type", type).put("room", "exercise-consult-1")
                .put("from", "exercise-doctor-1").put("seq", 1).set("data", data).toString();
        client.onText(recordingSocket(), frame, true);
    }

    private void answer(JsonNode request, String type) {
        client.onText(recordingSocket(), JSON.createObjectNode().put("type", type)
                .put("id", request.path("id").asString()).toString(), true);
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
