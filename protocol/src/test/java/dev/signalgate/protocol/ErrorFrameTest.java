package dev.signalgate.protocol;

import static dev.signalgate.protocol.TestJson.parse;
import static dev.signalgate.protocol.TestJson.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A refused frame becomes the {@code error} frame that answers it. */
class ErrorFrameTest {

    private final FrameCodec codec = new FrameCodec();

    @Test
    void refusedFrameWithAnIdIsAnsweredByAnErrorFrameWithThatId() {
        ProtocolException e = refused(q("{'type':'chat:join_room','id':'c-17','room':'bad room'}"));

        JsonNode frame = parse(codec.encode(e.toEnvelope()));

        assertThat(frame.propertyNames()).containsExactly("type", "id", "data");
        assertThat(frame.get("type").stringValue()).isEqualTo("error");
        assertThat(frame.get("id").stringValue()).isEqualTo("c-17");
        assertThat(frame.get("data").propertyNames()).containsExactly("code", "message");
        assertThat(frame.get("data").get("code").stringValue()).isEqualTo("bad_request");
        assertThat(frame.get("data").get("message").stringValue()).isEqualTo(e.getMessage()).startsWith("room:");
    }

    @Test
    void frameThatIsNotJsonIsAnsweredWithoutAnId() {
        ProtocolException e = refused("not json");

        JsonNode frame = parse(codec.encode(e.toEnvelope()));

        assertThat(frame.propertyNames()).containsExactly("type", "data");
        assertThat(frame.get("data").get("code").stringValue()).isEqualTo("bad_request");
        assertThat(frame.get("data").get("message").stringValue()).startsWith("frame is not valid JSON");
    }

    @Test
    void unknownTypeIsAnsweredWithItsOwnCode() {
        ProtocolException e = refused(q("{'type':'chat:nope','id':'c-3','room':'r'}"));

        JsonNode frame = parse(codec.encode(e.toEnvelope()));

        assertThat(frame.get("id").stringValue()).isEqualTo("c-3");
        assertThat(frame.get("data").get("code").stringValue()).isEqualTo("unknown_type");
    }

    @Test
    void errorMessageEchoingClientTextIsEscapedSafely() {
        ProtocolException e = refused(q("{'type':'x\\\"}],\\n<b>','id':'c-4'}"));

        JsonNode frame = parse(codec.encode(e.toEnvelope()));

        assertThat(frame.get("data").get("message").stringValue()).contains("x\"}],\n<b>");
    }

    @Test
    void errorFrameStaysSmallWhateverTheClientSent() {
        ProtocolException e = refused(q("{'type':'" + "y".repeat(60_000) + "'}"));

        assertThat(codec.encode(e.toEnvelope()).length).isLessThan(300);
    }

    /**
     * The echo of a long unknown type is cut at 40 chars; when the cut falls inside a surrogate pair (an emoji),
     * the message carries a lone surrogate that strict JSON readers (for example Rust's serde_json) refuse.
     */
    @Test
    void echoCutShortNeverSplitsAnEmoji() {
        ProtocolException e = refused(q("{'type':'" + "a".repeat(39) + "😀tail'}"));

        String message = parse(codec.encode(e.toEnvelope())).get("data").get("message").stringValue();

        assertThat(hasLoneSurrogate(message)).as("lone surrogate in %s", message).isFalse();
    }

    @Test
    void withCorrelationIdKeepsCodeAndMessage() {
        ProtocolException e = new ProtocolException(ErrorCode.ROOM_FULL, "call is full");

        ProtocolException answered = e.withCorrelationId("c-5");

        assertThat(e.correlationId()).isNull();
        assertThat(answered.correlationId()).isEqualTo("c-5");
        assertThat(answered.code()).isEqualTo(ErrorCode.ROOM_FULL);
        assertThat(answered.getMessage()).isEqualTo("call is full");
    }

    @Test
    void toEnvelopeUsesTheCodesWireName() {
        Envelope envelope = new ProtocolException(ErrorCode.PEER_NOT_FOUND, "no such peer", "c-6").toEnvelope();

        assertThat(envelope.id()).isEqualTo("c-6");
        assertThat(envelope.data().get("code").stringValue()).isEqualTo("peer_not_found");
        assertThat(envelope.data().get("message").stringValue()).isEqualTo("no such peer");
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
                    return true;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private ProtocolException refused(String frame) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(frame));
        assertThat(e).as("decoding should fail").isNotNull();
        return e;
    }
}
