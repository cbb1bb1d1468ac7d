package dev.signalgate.protocol.payload;

import static dev.signalgate.protocol.TestJson.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JoinRoomTest {

    @Test
    void sinceIsOptional() {
        assertThat(JoinRoom.from(object("{}")).since()).isNull();
        assertThat(JoinRoom.from(object("{'since':null}")).since()).isNull();
    }

    @Test
    void sinceIsANonNegativeInteger() {
        assertThat(JoinRoom.from(object("{'since':0}")).since()).isZero();
        assertThat(JoinRoom.from(object("{'since':42}")).since()).isEqualTo(42L);
        assertThat(JoinRoom.from(object("{'since':9223372036854775807}")).since()).isEqualTo(Long.MAX_VALUE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "-1                     | the number -1",
        "1.5                    | a decimal number",
        "1.0                    | a decimal number",
        "1e3                    | a decimal number",
        "'5'                    | a string of 1 character",
        "true                   | a boolean",
        "[5]                    | an array",
        "{}                     | an object",
        "18446744073709551616   | the number 18446744073709551616",
    })
    void sinceThatIsNotANonNegativeIntegerIsRefused(String since, String described) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class,
                () -> JoinRoom.from(object("{'since':" + since + "}")));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).isEqualTo("data.since: expected a non-negative integer, got " + described);
    }

    @Test
    void otherFieldsAreIgnored() {
        assertThat(JoinRoom.from(object("{'since':3,'extra':'x'}"))).isEqualTo(new JoinRoom(3L));
    }
}
