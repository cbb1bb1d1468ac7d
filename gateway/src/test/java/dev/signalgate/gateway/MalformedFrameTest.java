package dev.signalgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.signalgate.gateway.support.Frames;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;
import tools.jackson.databind.JsonNode;

/** Bad input gets a clear error frame and the connection stays open; only oversized frames close it (1009). */
@GatewayTest
class MalformedFrameTest {

    @LocalServerPort
    int port;

    static Stream<Arguments> malformedFrames() {
        String longRoom = "r".repeat(129);
        String longId = "i".repeat(65);
        return Stream.of(
                Arguments.of("not json", "hello there", "bad_request", null),
                Arguments.of("truncated json", "{\"type\":\"chat:typing\"", "bad_request", null),
                Arguments.of("json array", "[1,2]", "bad_request", null),
                Arguments.of("json string", "\"chat:typing\"", "bad_request", null),
                Arguments.of("json null", "null", "bad_request", null),
                Arguments.of("empty object", "{}", "bad_request", null),
                Arguments.of("missing type", "{\"id\":\"m1\",\"room\":\"r\"}", "bad_request", "m1"),
                Arguments.of("type not a string", "{\"id\":\"m2\",\"type\":7}", "bad_request", "m2"),
                Arguments.of("id too long", "{\"id\":\"" + longId + "\",\"type\":\"chat:typing\"}", "bad_request", null),
                Arguments.of("id not a string", "{\"id\":17,\"type\":\"chat:typing\",\"room\":\"r\"}", "bad_request", null),
                Arguments.of("room missing", "{\"id\":\"m3\",\"type\":\"chat:join_room\"}", "bad_request", "m3"),
                Arguments.of("room bad characters", "{\"id\":\"m4\",\"type\":\"chat:join_room\",\"room\":\"a b\"}",
                        "bad_request", "m4"),
                Arguments.of("room too long", "{\"id\":\"m5\",\"type\":\"chat:join_room\",\"room\":\"" + longRoom + "\"}",
                        "bad_request", "m5"),
                Arguments.of("data not an object", "{\"id\":\"m6\",\"type\":\"chat:join_room\",\"room\":\"r\",\"data\":[]}",
                        "bad_request", "m6"),
                Arguments.of("duplicate keys", "{\"id\":\"m7\",\"type\":\"chat:typing\",\"type\":\"chat:typing\"}",
                        "bad_request", null),
                Arguments.of("trailing garbage", "{\"id\":\"m8\",\"type\":\"chat:typing\",\"room\":\"r\"} x",
                        "bad_request", null),
                Arguments.of("nested too deep", "{\"id\":\"m9\",\"type\":\"webrtc:offer\",\"room\":\"r\",\"data\":"
                        + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}", "bad_request", null),
                Arguments.of("unknown type", "{\"id\":\"m10\",\"type\":\"chat:nope\",\"room\":\"r\"}", "unknown_type", "m10"),
                Arguments.of("server-only type", "{\"id\":\"m11\",\"type\":\"chat:confirmed\",\"room\":\"r\"}",
                        "unknown_type", "m11"),
                Arguments.of("foreign namespace", "{\"id\":\"m12\",\"type\":\"queue:updated\",\"room\":\"r\"}",
                        "unknown_type", "m12"),
                Arguments.of("send without tempId", "{\"id\":\"m13\",\"type\":\"chat:send_message\",\"room\":\"r\","
                        + "\"data\":{\"body\":\"x\"}}", "bad_request", "m13"),
                Arguments.of("to not a string", "{\"id\":\"m14\",\"type\":\"webrtc:offer\",\"room\":\"r\",\"to\":5}",
                        "bad_request", "m14"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFrames")
    void malformedFrameGetsAnErrorAndTheConnectionStaysOpen(String kind, String frame, String code,
            String expectedId) {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("fuzzy"))) {
            if (kind.equals("send without tempId")) {
                client.request(Frames.of("chat:join_room", "r").id("j").build());
            }
            client.send(frame);
            JsonNode error = client.awaitType("error");
            assertThat(error.path("data").path("code").asString()).isEqualTo(code);
            assertThat(error.path("data").path("message").asString()).isNotBlank();
            if (expectedId == null) {
                assertThat(error.has("id")).isFalse();
            } else {
                assertThat(error.path("id").asString()).isEqualTo(expectedId);
            }
            JsonNode ack = client.request(Frames.of("chat:join_room", "still-open").id("after").build());
            assertThat(ack.path("room").asString()).isEqualTo("still-open");
        }
    }

    @Test
    void binaryFrameGetsBadRequestAndTheConnectionStaysOpen() throws Exception {
        try (TestClient client = TestClient.connected(port, Tokens.forUser("binary"))) {
            client.sendBinary(new byte[] {1, 2, 3});
            assertThat(client.awaitType("error").path("data").path("code").asString()).isEqualTo("bad_request");
            client.request(Frames.of("chat:join_room", "still-open").id("after").build());
        }
    }

    @Test
    void frameOverTheSizeLimitClosesWith1009WhileOthersCarryOn() {
        try (TestClient big = TestClient.connected(port, Tokens.forUser("big"));
                TestClient alice = TestClient.connected(port, Tokens.forUser("alice"));
                TestClient bob = TestClient.connected(port, Tokens.forUser("bob"))) {
            alice.request(Frames.of("chat:join_room", "size-1").id("a").build());
            bob.request(Frames.of("chat:join_room", "size-1").id("b").build());

            big.send("{\"type\":\"chat:typing\",\"room\":\"r\",\"data\":{\"pad\":\"" + "x".repeat(70_000) + "\"}}");
            assertThat(big.awaitCloseCode()).isEqualTo(1009);

            alice.request(Frames.of("chat:send_message", "size-1").id("s").data("tempId", "t").data("body", "ok")
                    .build());
            assertThat(bob.awaitType("chat:message").path("data").path("body").asString()).isEqualTo("ok");
        }
    }
}
