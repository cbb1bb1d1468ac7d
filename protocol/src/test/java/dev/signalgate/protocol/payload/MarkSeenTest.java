package dev.signalgate.protocol.payload;

import static dev.signalgate.protocol.TestJson.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MarkSeenTest {

    @Test
    void readsSeq() {
        assertThat(MarkSeen.from(object("{'seq':17}"))).isEqualTo(new MarkSeen(17));
        assertThat(MarkSeen.from(object("{'seq':0}")).seq()).isZero();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{}                 | nothing",
        "{'seq':null}       | null",
        "{'seq':-1}         | the number -1",
        "{'seq':2.5}        | a decimal number",
        "{'seq':'17'}       | a string of 2 characters",
        "{'seq':[17]}       | an array",
    })
    void seqIsARequiredNonNegativeInteger(String data, String described) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> MarkSeen.from(object(data)));

        assertThat(e).isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(e.getMessage()).isEqualTo("data.seq: expected a non-negative integer, got " + described);
    }
}
