package dev.signalgate.protocol;

import static dev.signalgate.protocol.TestJson.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.MissingNode;

/** The shared field readers behind every payload record; the records themselves have their own tests. */
class PayloadsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "null          | null",
        "true          | a boolean",
        "7             | the number 7",
        "-3            | the number -3",
        "1.5           | a decimal number",
        "'abc'         | a string of 3 characters",
        "''            | an empty string",
        "[1]           | an array",
        "{}            | an object",
    })
    void describesEachKindOfJsonValue(String value, String described) {
        assertThat(Payloads.describe(object("{'v':" + value + "}").get("v"))).isEqualTo(described);
    }

    @Test
    void describesAnAbsentValueAsNothing() {
        assertThat(Payloads.describe(null)).isEqualTo("nothing");
        assertThat(Payloads.describe(MissingNode.getInstance())).isEqualTo("nothing");
    }

    @Test
    void describesAHugeNumberCutShort() {
        String digits = "9".repeat(200);

        assertThat(Payloads.describe(object("{'v':" + digits + "}").get("v")))
                .isEqualTo("the number " + "9".repeat(40) + "…");
    }

    @Test
    void truncateKeepsShortTextAndCutsLongTextAt40Characters() {
        assertThat(Payloads.truncate("")).isEmpty();
        assertThat(Payloads.truncate("a".repeat(40))).isEqualTo("a".repeat(40));
        assertThat(Payloads.truncate("a".repeat(41))).isEqualTo("a".repeat(40) + "…");
    }

    @Test
    void optionalStringAcceptsAbsentNullAndStringsUpToTheLimit() {
        assertThat(Payloads.optionalString(object("{}"), "s", 3)).isNull();
        assertThat(Payloads.optionalString(object("{'s':null}"), "s", 3)).isNull();
        assertThat(Payloads.optionalString(object("{'s':'abc'}"), "s", 3)).isEqualTo("abc");
    }

    @Test
    void optionalStringRefusesEmptyTooLongAndNonStrings() {
        assertThatThrownBy(() -> Payloads.optionalString(object("{'s':''}"), "s", 3))
                .hasMessage("data.s: expected a string of 1 to 3 characters, got an empty string");
        assertThatThrownBy(() -> Payloads.optionalString(object("{'s':'abcd'}"), "s", 3))
                .hasMessage("data.s: expected a string of 1 to 3 characters, got a string of 4 characters");
        assertThatThrownBy(() -> Payloads.optionalString(object("{'s':1}"), "s", 3))
                .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST))
                .hasMessage("data.s: expected a string of 1 to 3 characters, got the number 1");
    }

    @Test
    void requiredStringRefusesAbsentAndNull() {
        assertThatThrownBy(() -> Payloads.requiredString(object("{}"), "s", 3))
                .hasMessage("data.s: expected a string of 1 to 3 characters, got nothing");
        assertThatThrownBy(() -> Payloads.requiredString(object("{'s':null}"), "s", 3))
                .hasMessage("data.s: expected a string of 1 to 3 characters, got null");
    }

    @Test
    void optionalIntFallsBackOnlyWhenAbsentOrNull() {
        assertThat(Payloads.optionalInt(object("{}"), "n", 1, 5, 3)).isEqualTo(3);
        assertThat(Payloads.optionalInt(object("{'n':null}"), "n", 1, 5, 3)).isEqualTo(3);
        assertThat(Payloads.optionalInt(object("{'n':5}"), "n", 1, 5, 3)).isEqualTo(5);
        assertThatThrownBy(() -> Payloads.optionalInt(object("{'n':6}"), "n", 1, 5, 3))
                .hasMessage("data.n: expected an integer from 1 to 5, got the number 6");
    }

    @Test
    void optionalIntRefusesNumbersBeyondTheIntRange() {
        assertThatThrownBy(() -> Payloads.optionalInt(object("{'n':4294967297}"), "n", 1, 5, 3))
                .isInstanceOf(ProtocolException.class);
    }

    @Test
    void optionalNonNegativeLongRefusesNumbersBeyondTheLongRange() {
        assertThat(Payloads.optionalNonNegativeLong(object("{'n':9223372036854775807}"), "n"))
                .isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> Payloads.optionalNonNegativeLong(object("{'n':9223372036854775808}"), "n"))
                .isInstanceOf(ProtocolException.class)
                .hasMessageStartingWith("data.n: expected a non-negative integer");
    }
}
