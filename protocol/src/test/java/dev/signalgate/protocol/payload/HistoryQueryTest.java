package dev.signalgate.protocol.payload;

import static dev.signalgate.protocol.TestJson.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HistoryQueryTest {

    @Test
    void emptyQueryAsksForTheNewest50() {
        assertThat(HistoryQuery.from(object("{}"))).isEqualTo(new HistoryQuery(null, 50));
        assertThat(HistoryQuery.DEFAULT_LIMIT).isEqualTo(50);
        assertThat(HistoryQuery.MAX_LIMIT).isEqualTo(100);
    }

    @Test
    void nullFieldsCountAsAbsent() {
        assertThat(HistoryQuery.from(object("{'before':null,'limit':null}"))).isEqualTo(new HistoryQuery(null, 50));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 50, 99, 100})
    void limitFrom1To100IsAccepted(int limit) {
        assertThat(HistoryQuery.from(object("{'limit':" + limit + "}")).limit()).isEqualTo(limit);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "0            | the number 0",
        "101          | the number 101",
        "-1           | the number -1",
        "10.5         | a decimal number",
        "'10'         | a string of 2 characters",
        "4294967296   | the number 4294967296",
        "true         | a boolean",
    })
    void limitOutside1To100IsRefused(String limit, String described) {
        ProtocolException e = refused("{'limit':" + limit + "}");

        assertThat(e.getMessage()).isEqualTo("data.limit: expected an integer from 1 to 100, got " + described);
    }

    @Test
    void beforeIsAnOptionalNonNegativeSeq() {
        assertThat(HistoryQuery.from(object("{'before':120,'limit':20}"))).isEqualTo(new HistoryQuery(120L, 20));
        assertThat(HistoryQuery.from(object("{'before':0}")).before()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "-5     | the number -5",
        "1.5    | a decimal number",
        "'9'    | a string of 1 character",
    })
    void beforeThatIsNotANonNegativeIntegerIsRefused(String before, String described) {
        ProtocolException e = refused("{'before':" + before + "}");

        assertThat(e.getMessage()).isEqualTo("data.before: expected a non-negative integer, got " + described);
    }

    private static ProtocolException refused(String data) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> HistoryQuery.from(object(data)));
        assertThat(e).as("should be refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        return e;
    }
}
