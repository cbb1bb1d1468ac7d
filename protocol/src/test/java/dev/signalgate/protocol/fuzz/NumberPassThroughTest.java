package dev.signalgate.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.FrameCodec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The first finding of {@link FrameCodecFuzzTest}, pinned as a readable test: opaque {@code data} (WebRTC
 * signals, typing, chat {@code meta}) is relayed as the client sent it (contract section 5: "Receivers get the
 * same type, room and data"), numbers included. A number read as a {@code double} on the way in loses digits,
 * and one outside the double range turns into the string {@code "Infinity"} on the way out.
 */
class NumberPassThroughTest {

    private static final FrameCodec CODEC = new FrameCodec();
    /** Reads the relayed frame without rounding: decimals as BigDecimal. */
    private static final JsonMapper EXACT = JsonMapper.builder()
            .enable(tools.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"0", "-17", "123456789012345678901234567890", "1.5", "-0.25", "1e400", "-1e400",
            "0.1000000000000000055511151231257827", "12345678901234567890.5"})
    void numbersInOpaqueDataAreRelayedWithTheirValue(String number) {
        String frame = "{\"type\":\"webrtc:offer\",\"room\":\"r\",\"data\":{\"n\":" + number + "}}";

        Envelope decoded = CODEC.decode(frame);
        JsonNode relayed = EXACT.readTree(new String(CODEC.encode(decoded), StandardCharsets.UTF_8));

        JsonNode n = relayed.path("data").path("n");
        assertThat(n.isNumber()).as("relayed %s as %s", number, n).isTrue();
        assertThat(n.decimalValue()).as("relayed %s as %s", number, n)
                .isEqualByComparingTo(new java.math.BigDecimal(number));
    }
}
