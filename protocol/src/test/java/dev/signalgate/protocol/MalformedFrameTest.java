package dev.signalgate.protocol;

import static dev.signalgate.protocol.TestJson.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of malformed client frame is answered with {@code bad_request}, a message naming the field at fault,
 * and the frame's {@code id} whenever a valid one could be read.
 */
class MalformedFrameTest {

    private final FrameCodec codec = new FrameCodec();

    // --- not a JSON object ---

    @ParameterizedTest
    @ValueSource(strings = {"hello", "{type:chat:typing}", "{'type':'chat:typing',}", "<xml/>", "{'type' 'x'}"})
    void frameThatIsNotJsonIsBadRequest(String frame) {
        ProtocolException e = badRequest(q(frame));

        assertThat(e.getMessage()).startsWith("frame is not valid JSON");
        assertThat(e.correlationId()).isNull();
    }

    @Test
    void truncatedJsonIsBadRequest() {
        ProtocolException e = badRequest(q("{'type':'chat:typing','id':'c-1','room':'r'"));

        assertThat(e.getMessage()).startsWith("frame is not valid JSON");
        assertThat(e.correlationId()).isNull();
    }

    @Test
    void truncatedStringIsBadRequest() {
        assertThat(badRequest(q("{'type':'chat:typ")).getMessage()).startsWith("frame is not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t "})
    void emptyFrameIsBadRequest(String frame) {
        ProtocolException e = badRequest(frame);

        assertThat(e.getMessage()).isEqualTo("expected a JSON object as the frame, got nothing");
        assertThat(e.correlationId()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "[]                                 | an array",
        "[{'type':'chat:typing','id':'c'}]  | an array",
        "'chat:typing'                      | a string of 11 characters",
        "''                                 | an empty string",
        "42                                 | the number 42",
        "4.2                                | a decimal number",
        "true                               | a boolean",
        "null                               | null",
    })
    void topLevelValueThatIsNotAnObjectIsBadRequest(String frame, String described) {
        ProtocolException e = badRequest(q(frame));

        assertThat(e.getMessage()).isEqualTo("expected a JSON object as the frame, got " + described);
        assertThat(e.correlationId()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {" x", "{}", "[]", " 1", "}", ",{}"})
    void trailingContentAfterTheObjectIsBadRequest(String trailing) {
        ProtocolException e = badRequest(q("{'type':'chat:typing','id':'c-1','room':'r'}" + trailing));

        assertThat(e.getMessage()).startsWith("frame is not valid JSON");
    }

    @Test
    void duplicateTopLevelKeyIsBadRequestNamingTheKey() {
        ProtocolException e = badRequest(q("{'type':'chat:typing','room':'a','room':'b'}"));

        assertThat(e.getMessage()).contains("Duplicate").contains("\"room\"");
    }

    @Test
    void duplicateTypeIsBadRequestEvenWhenBothValuesAgree() {
        ProtocolException e = badRequest(q("{'type':'chat:typing','type':'chat:typing','room':'r'}"));

        assertThat(e.getMessage()).contains("\"type\"");
    }

    @Test
    void duplicateKeyInsideDataIsBadRequest() {
        ProtocolException e = badRequest(q("{'type':'chat:typing','room':'r','data':{'a':1,'a':2}}"));

        assertThat(e.getMessage()).contains("\"a\"");
    }

    // --- type ---

    @Test
    void frameWithoutTypeIsBadRequestAndKeepsItsId() {
        ProtocolException e = badRequest(q("{'id':'c-1','room':'r'}"));

        assertThat(e.getMessage()).startsWith("type:").endsWith("got nothing");
        assertThat(e.correlationId()).isEqualTo("c-1");
    }

    @Test
    void emptyObjectIsBadRequestForItsMissingType() {
        assertThat(badRequest("{}").getMessage()).startsWith("type:");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "42              | the number 42",
        "null            | null",
        "true            | a boolean",
        "['chat:typing'] | an array",
        "{'n':'typing'}  | an object",
        "''              | an empty string",
    })
    void typeThatIsNotANonEmptyStringIsBadRequestAndKeepsTheId(String type, String described) {
        ProtocolException e = badRequest(q("{'type':" + type + ",'id':'c-1','room':'r'}"));

        assertThat(e.getMessage()).startsWith("type: expected a string").endsWith("got " + described);
        assertThat(e.correlationId()).isEqualTo("c-1");
    }

    // --- id ---

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "17        | the number 17",
        "true      | a boolean",
        "['c-1']   | an array",
        "{'v':1}   | an object",
        "''        | an empty string",
    })
    void idThatIsNotANonEmptyStringIsBadRequestWithNoCorrelationId(String id, String described) {
        ProtocolException e = badRequest(q("{'type':'chat:typing','id':" + id + ",'room':'r'}"));

        assertThat(e.getMessage()).isEqualTo("id: expected a string of 1 to 64 characters, got " + described);
        assertThat(e.correlationId()).isNull();
    }

    @Test
    void idLongerThan64CharactersIsBadRequestWithNoCorrelationId() {
        ProtocolException e = badRequest(q("{'type':'chat:typing','id':'" + "i".repeat(65) + "','room':'r'}"));

        assertThat(e.getMessage()).isEqualTo("id: expected a string of 1 to 64 characters, got a string of 65 characters");
        assertThat(e.correlationId()).isNull();
    }

    @Test
    void badIdIsReportedEvenWhenTheTypeIsUnknown() {
        ProtocolException e = badRequest(q("{'type':'foo','id':7}"));

        assertThat(e.getMessage()).startsWith("id:");
    }

    // --- room ---

    @Test
    void missingRoomIsBadRequestAndKeepsTheId() {
        ProtocolException e = badRequest(q("{'type':'chat:join_room','id':'c-1'}"));

        assertThat(e.getMessage()).isEqualTo("room: expected a room id string, got nothing");
        assertThat(e.correlationId()).isEqualTo("c-1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "42           | the number 42",
        "null         | null",
        "['r']        | an array",
        "{'id':'r'}   | an object",
        "false        | a boolean",
    })
    void roomThatIsNotAStringIsBadRequestAndKeepsTheId(String room, String described) {
        ProtocolException e = badRequest(q("{'type':'webrtc:offer','id':'c-1','room':" + room + "}"));

        assertThat(e.getMessage()).isEqualTo("room: expected a room id string, got " + described);
        assertThat(e.correlationId()).isEqualTo("c-1");
    }

    @Test
    void emptyRoomIsBadRequestAndKeepsTheId() {
        ProtocolException e = badRequest(q("{'type':'chat:join_room','id':'c-1','room':''}"));

        assertThat(e.getMessage()).isEqualTo("room: expected 1 to 128 characters, got an empty string");
        assertThat(e.correlationId()).isEqualTo("c-1");
    }

    @Test
    void roomOf129CharactersIsBadRequestAndKeepsTheId() {
        ProtocolException e = badRequest(q("{'type':'chat:join_room','id':'c-1','room':'" + "r".repeat(129) + "'}"));

        assertThat(e.getMessage()).isEqualTo("room: expected at most 128 characters, got 129");
        assertThat(e.correlationId()).isEqualTo("c-1");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "consult 42      | U+0020 at index 7",
        "clinic/7        | '/' at index 6",
        "room#1          | '#' at index 4",
        "café            | U+00E9 at index 3",
        "a*              | '*' at index 1",
        "a\\tb           | U+0009 at index 1",
        "a\\u0000b       | U+0000 at index 1",
        "\\ud83d\\ude00  | U+D83D at index 0",
    })
    void roomWithAForbiddenCharacterIsBadRequestNamingItAndKeepsTheId(String room, String where) {
        ProtocolException e = badRequest(q("{'type':'chat:join_room','id':'c-1','room':'" + room + "'}"));

        assertThat(e.getMessage()).isEqualTo("room: expected only A-Z a-z 0-9 _ . : @ -, got " + where);
        assertThat(e.correlationId()).isEqualTo("c-1");
    }

    // --- data ---

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "[1,2]      | an array",
        "[]         | an array",
        "'hello'    | a string of 5 characters",
        "''         | an empty string",
        "3          | the number 3",
        "3.5        | a decimal number",
        "true       | a boolean",
    })
    void dataThatIsNotAnObjectIsBadRequestAndKeepsTheId(String data, String described) {
        ProtocolException e = badRequest(q("{'type':'chat:send_message','id':'c-1','room':'r','data':" + data + "}"));

        assertThat(e.getMessage()).isEqualTo("data: expected a JSON object, got " + described);
        assertThat(e.correlationId()).isEqualTo("c-1");
    }

    // --- to ---

    @ParameterizedTest
    @ValueSource(strings = {"42", "['u']", "{'id':'u'}", "true", "''"})
    void toThatIsNotANonEmptyStringIsBadRequestAndKeepsTheId(String to) {
        ProtocolException e = badRequest(q("{'type':'webrtc:offer','id':'c-1','room':'r','to':" + to + "}"));

        assertThat(e.getMessage()).contains("to: expected a string of 1 to 256 characters");
        assertThat(e.correlationId()).isEqualTo("c-1");
    }

    @Test
    void toLongerThanAUserIdIsBadRequest() {
        String to = "u".repeat(FrameLimits.MAX_USER_ID_LENGTH + 1);

        assertThat(badRequest(q("{'type':'webrtc:offer','room':'r','to':'" + to + "'}")).getMessage())
                .contains("to: expected a string of 1 to 256 characters, got a string of 257 characters");
    }

    /**
     * {@code to} is a field of the envelope, beside {@code type} and {@code room}, so the message should name it
     * {@code to:} the way {@code id:}, {@code room:} and {@code data:} are named, not {@code data.to:}.
     */
    @Test
    void badToIsNamedAsAnEnvelopeFieldNotAsADataField() {
        ProtocolException e = badRequest(q("{'type':'webrtc:offer','id':'c-1','room':'r','to':42}"));

        assertThat(e.getMessage()).isEqualTo("to: expected a string of 1 to 256 characters, got the number 42");
    }

    // --- checks run in a fixed order ---

    @Test
    void theFirstBrokenFieldInCheckingOrderIsReported() {
        // type is checked before room, room before to, to before data
        assertThat(badRequest(q("{'type':7,'room':'bad room','data':[]}")).getMessage()).startsWith("type:");
        assertThat(badRequest(q("{'type':'webrtc:offer','room':'bad room','to':7,'data':[]}")).getMessage())
                .startsWith("room:");
        assertThat(badRequest(q("{'type':'webrtc:offer','room':'r','to':'u','data':[]}")).getMessage())
                .startsWith("data:");
    }

    private ProtocolException badRequest(String frame) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(frame));
        assertThat(e).as("decoding <%s> should fail", frame).isNotNull();
        assertThat(e.code()).as("code for <%s>", frame).isEqualTo(ErrorCode.BAD_REQUEST);
        return e;
    }
}
