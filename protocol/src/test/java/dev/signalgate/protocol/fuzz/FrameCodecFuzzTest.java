package dev.signalgate.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.FrameCodec;
import dev.signalgate.protocol.FrameLimits;
import dev.signalgate.protocol.Payloads;
import dev.signalgate.protocol.ProtocolException;
import dev.signalgate.protocol.RoomIds;
import dev.signalgate.protocol.payload.HistoryQuery;
import dev.signalgate.protocol.payload.JoinRoom;
import dev.signalgate.protocol.payload.MarkSeen;
import dev.signalgate.protocol.payload.SendMessage;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Fuzzes the edge of the gateway: any bytes a client can put in a text frame, through {@link FrameCodec#decode}
 * and every payload reader.
 *
 * <p>Properties, for every input:
 * <ul>
 * <li>decoding either returns a valid envelope or throws {@link ProtocolException}, never anything else;</li>
 * <li>a refusal's error frame is valid JSON with a known code and a bounded message, whatever came in;</li>
 * <li>an accepted frame obeys the envelope rules (contract section 3) and survives encode then decode unchanged
 * ({@code to} aside, which is never sent to clients);</li>
 * <li>each payload reader, on any accepted frame's {@code data}, returns a value or throws
 * {@link ProtocolException}.</li>
 * </ul>
 *
 * <p>Without {@code JAZZER_FUZZ} this replays the committed corpus under
 * {@code src/test/resources/dev/signalgate/protocol/fuzz/FrameCodecFuzzTestInputs/}; see {@code FUZZING.md} for a
 * fuzzing run. Inputs are raw frame bytes, read as UTF-8 the way the WebSocket layer reads a text frame.
 */
class FrameCodecFuzzTest {

    /** Longest error message: client text is echoed only in short, truncated pieces. */
    static final int MAX_ERROR_MESSAGE = 1024;

    private static final FrameCodec CODEC = new FrameCodec();
    /** A plain reader, independent of the codec's configuration, to check what the codec writes. */
    private static final JsonMapper PLAIN = JsonMapper.builder().build();

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\"type\"", "\"id\"", "\"room\"", "\"to\"", "\"data\"", "\"from\"", "\"seq\"",
            "\"chat:join_room\"", "\"chat:leave_room\"", "\"chat:send_message\"", "\"chat:typing\"",
            "\"chat:stop_typing\"", "\"chat:mark_seen\"", "\"chat:history\"", "\"webrtc:join_room\"",
            "\"webrtc:offer\"", "\"webrtc:answer\"", "\"webrtc:ice_candidate\"", "\"webrtc:leave_room\"",
            "\"auth:refresh\"", "\"chat:confirmed\"", "\"welcome\"", "\"tempId\"", "\"body\"", "\"meta\"",
            "\"since\"", "\"before\"", "\"limit\"", "\"token\"", "\"sdp\"", "\"candidate\"", "\\u0000", "\\ud800",
            "1e400", "-0", "9223372036854775808", "null", "true", "[]", "{}"})
    void decodeAcceptsOrRefusesWithAProtocolException(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        Envelope frame;
        try {
            frame = CODEC.decode(text);
        } catch (ProtocolException refused) {
            assertWellFormedRefusal(refused);
            return;
        }
        assertFollowsTheEnvelopeRules(frame);
        assertRoundTrips(frame);
        readEveryPayload(frame.data());
    }

    static void assertWellFormedRefusal(ProtocolException refused) {
        assertThat(refused.code()).isIn(ErrorCode.BAD_REQUEST, ErrorCode.UNKNOWN_TYPE);
        assertThat(refused.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(MAX_ERROR_MESSAGE);
        if (refused.correlationId() != null) {
            assertThat(refused.correlationId()).hasSizeBetween(1, FrameLimits.MAX_ID_LENGTH);
        }
        JsonNode error = PLAIN.readTree(CODEC.encode(refused.toEnvelope()));
        assertThat(error.path("type").asString()).isEqualTo("error");
        assertThat(error.path("data").path("code").asString()).isEqualTo(refused.code().wireName());
        assertThat(error.path("data").path("message").asString()).isEqualTo(refused.getMessage());
    }

    static void assertFollowsTheEnvelopeRules(Envelope frame) {
        EventType type = frame.eventType();
        assertThat(type).as("decoded type %s", frame.type()).isNotNull();
        assertThat(type.clientSendable()).isTrue();
        if (frame.id() != null) {
            assertThat(frame.id()).hasSizeBetween(1, FrameLimits.MAX_ID_LENGTH);
        }
        if (type.needsRoom() || frame.room() != null) {
            assertThat(RoomIds.isValid(frame.room())).as("room %s", frame.room()).isTrue();
        }
        if (frame.to() != null) {
            assertThat(frame.to()).hasSizeBetween(1, FrameLimits.MAX_USER_ID_LENGTH);
        }
        assertThat(frame.from()).isNull();
        assertThat(frame.seq()).isNull();
        assertThat(frame.data()).isNotNull();
    }

    static void assertRoundTrips(Envelope frame) {
        byte[] encoded = CODEC.encode(frame);
        Envelope again;
        try {
            again = CODEC.decode(new String(encoded, StandardCharsets.UTF_8));
        } catch (ProtocolException e) {
            throw new AssertionError("the codec refused its own encoding of an accepted frame (" + e.getMessage()
                    + "): " + new String(encoded, StandardCharsets.UTF_8), e);
        }
        Envelope expected = new Envelope(frame.type(), frame.id(), frame.room(), null, null, null, frame.data());
        assertThat(again).isEqualTo(expected);
    }

    static void readEveryPayload(ObjectNode data) {
        FrameLimits limits = CODEC.limits();
        expectValueOrRefusal(() -> JoinRoom.from(data));
        expectValueOrRefusal(() -> SendMessage.from(data, limits));
        expectValueOrRefusal(() -> MarkSeen.from(data));
        expectValueOrRefusal(() -> HistoryQuery.from(data));
        expectValueOrRefusal(() -> Payloads.requiredString(data, "token", 8192));
        data.properties().forEach(field -> assertThat(Payloads.describe(field.getValue())).isNotBlank());
    }

    private static void expectValueOrRefusal(java.util.function.Supplier<?> reader) {
        try {
            assertThat((Object) reader.get()).isNotNull();
        } catch (ProtocolException refused) {
            assertThat(refused.code()).isEqualTo(ErrorCode.BAD_REQUEST);
            assertThat(refused.getMessage()).isNotBlank().hasSizeLessThanOrEqualTo(MAX_ERROR_MESSAGE);
        }
    }
}
