package dev.signalgate.protocol.payload;

import static dev.signalgate.protocol.TestJson.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;

import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.FrameLimits;
import dev.signalgate.protocol.ProtocolException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class SendMessageTest {

    private static final FrameLimits DEFAULTS = FrameLimits.defaults();
    private static final int MAX = 16 * 1024;

    @Test
    void readsTempIdAndBody() {
        SendMessage message = SendMessage.from(object("{'tempId':'t-9','body':'hello'}"), DEFAULTS);

        assertThat(message).isEqualTo(new SendMessage("t-9", "hello", null));
    }

    @Test
    void metaIsAnOptionalObjectPassedThrough() {
        SendMessage message = SendMessage.from(
                object("{'tempId':'t','body':'','meta':{'alg':'A256GCM','iv':'abc','n':[1,{}]}}"), DEFAULTS);

        assertThat(message.meta()).isEqualTo(object("{'alg':'A256GCM','iv':'abc','n':[1,{}]}"));
    }

    @Test
    void nullMetaCountsAsNone() {
        assertThat(SendMessage.from(object("{'tempId':'t','body':'b','meta':null}"), DEFAULTS).meta()).isNull();
    }

    @Test
    void emptyMetaObjectIsKept() {
        assertThat(SendMessage.from(object("{'tempId':'t','body':'b','meta':{}}"), DEFAULTS).meta()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "[1]      | an array",
        "'x'      | a string of 1 character",
        "3        | the number 3",
        "true     | a boolean",
    })
    void metaThatIsNotAnObjectIsRefused(String meta, String described) {
        ProtocolException e = refused("{'tempId':'t','body':'b','meta':" + meta + "}", DEFAULTS);

        assertThat(e.getMessage()).isEqualTo("data.meta: expected a JSON object, got " + described);
    }

    @Test
    void emptyBodyIsAllowed() {
        assertThat(SendMessage.from(object("{'tempId':'t','body':''}"), DEFAULTS).body()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'tempId':'t'}               | nothing",
        "{'tempId':'t','body':null}   | null",
        "{'tempId':'t','body':42}     | the number 42",
        "{'tempId':'t','body':['a']}  | an array",
        "{'tempId':'t','body':{}}     | an object",
    })
    void bodyMustBeAString(String data, String described) {
        assertThat(refused(data, DEFAULTS).getMessage()).isEqualTo("data.body: expected a string, got " + described);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'body':'b'}                  | nothing",
        "{'tempId':null,'body':'b'}    | null",
        "{'tempId':'','body':'b'}      | an empty string",
        "{'tempId':9,'body':'b'}       | the number 9",
        "{'tempId':['t'],'body':'b'}   | an array",
    })
    void tempIdIsARequiredNonEmptyString(String data, String described) {
        assertThat(refused(data, DEFAULTS).getMessage())
                .isEqualTo("data.tempId: expected a string of 1 to 64 characters, got " + described);
    }

    @Test
    void tempIdOf64CharactersIsAcceptedAnd65Refused() {
        assertThat(SendMessage.from(object("{'tempId':'" + "t".repeat(64) + "','body':'b'}"), DEFAULTS).tempId())
                .hasSize(64);
        assertThat(refused("{'tempId':'" + "t".repeat(65) + "','body':'b'}", DEFAULTS).getMessage())
                .isEqualTo("data.tempId: expected a string of 1 to 64 characters, got a string of 65 characters");
    }

    @Test
    void bodyOfExactlyTheDefaultLimitInAsciiIsAccepted() {
        assertThat(SendMessage.from(data("a".repeat(MAX)), DEFAULTS).body()).hasSize(MAX);
    }

    @Test
    void bodyOneByteOverTheDefaultLimitIsRefused() {
        assertThat(refused(data("a".repeat(MAX + 1)), DEFAULTS).getMessage())
                .isEqualTo("data.body: expected at most 16384 bytes of UTF-8, got 16385");
    }

    @Test
    void bodyIsMeasuredInUtf8BytesNotCharacters() {
        String euros = "€".repeat(6_000); // 6,000 chars, 18,000 bytes

        assertThat(euros.length()).isLessThan(MAX);
        assertThat(refused(data(euros), DEFAULTS).getMessage())
                .isEqualTo("data.body: expected at most 16384 bytes of UTF-8, got 18000");
    }

    @Test
    void multiByteBodyOfExactlyTheLimitIsAccepted() {
        String twoByte = "é".repeat(MAX / 2);
        String fourByte = "😀".repeat(MAX / 4);

        assertThat(SendMessage.from(data(twoByte), DEFAULTS).body()).isEqualTo(twoByte);
        assertThat(SendMessage.from(data(fourByte), DEFAULTS).body()).isEqualTo(fourByte);
    }

    @Test
    void multiByteBodyOneByteOverTheLimitIsRefused() {
        assertThat(refused(data("é".repeat(MAX / 2) + "a"), DEFAULTS).code()).isEqualTo(ErrorCode.BAD_REQUEST);
        assertThat(refused(data("😀".repeat(MAX / 4) + "a"), DEFAULTS).code()).isEqualTo(ErrorCode.BAD_REQUEST);
    }

    @Test
    void smallCustomLimitCountsBytesAtEveryLength() {
        FrameLimits limits = new FrameLimits(32, 65_536, 256, 16);

        assertThat(SendMessage.from(data("€".repeat(5)), limits).body()).hasSize(5); // 15 bytes
        assertThat(SendMessage.from(data("é".repeat(8)), limits).body()).hasSize(8); // 16 bytes
        assertThat(refused(data("é".repeat(9)), limits).getMessage())
                .isEqualTo("data.body: expected at most 16 bytes of UTF-8, got 18"); // 9 chars, 18 bytes
        assertThat(refused(data("€".repeat(6)), limits).getMessage())
                .isEqualTo("data.body: expected at most 16 bytes of UTF-8, got 18"); // 6 chars, 18 bytes
        assertThat(refused(data("😀".repeat(4) + "a"), limits).getMessage())
                .isEqualTo("data.body: expected at most 16 bytes of UTF-8, got 17"); // 9 chars, 17 bytes
    }

    @Test
    void limitIsCheckedAtEveryLengthBetweenOneThirdAndTheWholeLimit() {
        FrameLimits limits = new FrameLimits(32, 65_536, 256, 30);
        for (int chars = 1; chars <= 30; chars++) {
            String body = "€".repeat(chars);
            int bytes = body.getBytes(StandardCharsets.UTF_8).length;
            if (bytes <= 30) {
                assertThat(SendMessage.from(data(body), limits).body()).as("%d bytes", bytes).isEqualTo(body);
            } else {
                assertThat(refused(data(body), limits).code()).as("%d bytes", bytes).isEqualTo(ErrorCode.BAD_REQUEST);
            }
        }
    }

    private static ObjectNode data(String body) {
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("tempId", "t-1");
        data.put("body", body);
        return data;
    }

    private static ProtocolException refused(String singleQuotedData, FrameLimits limits) {
        return refused(object(singleQuotedData), limits);
    }

    private static ProtocolException refused(ObjectNode data, FrameLimits limits) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> SendMessage.from(data, limits));
        assertThat(e).as("should be refused").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        return e;
    }
}
