package dev.signalgate.protocol;

import static dev.signalgate.protocol.TestJson.object;
import static dev.signalgate.protocol.TestJson.parse;
import static dev.signalgate.protocol.TestJson.q;
import static dev.signalgate.protocol.TestJson.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** Outbound envelopes: field order, omitted fields, escaping, and the shapes of the factory methods. */
class FrameCodecEncodeTest {

    private final FrameCodec codec = new FrameCodec();

    @Test
    void fieldsAreWrittenInContractOrder() {
        Envelope envelope = new Envelope("chat:confirmed", "c-1", "consult-42", "peer", "doctor-1", 7L,
                object("{'msgId':'m-1','tempId':'t-9','body':'hi'}"));

        assertThat(text(codec.encode(envelope))).isEqualTo(q(
                "{'type':'chat:confirmed','id':'c-1','room':'consult-42','from':'doctor-1','seq':7,"
                        + "'data':{'msgId':'m-1','tempId':'t-9','body':'hi'}}"));
    }

    @Test
    void everyPresentFieldIsWrittenOnceInContractOrder() {
        JsonNode parsed = parse(codec.encode(new Envelope("chat:confirmed", "c-1", "r", null, "u", 1L, null)));

        assertThat(parsed.propertyNames()).containsExactly("type", "id", "room", "from", "seq", "data");
    }

    @Test
    void absentFieldsAreOmittedNotWrittenAsNull() {
        assertThat(text(codec.encode(new Envelope("welcome", null, null, null, null, null, null))))
                .isEqualTo(q("{'type':'welcome','data':{}}"));
    }

    @Test
    void toIsNeverWritten() {
        Envelope envelope = new Envelope("webrtc:offer", null, "r", "user-2", "user-1", null, object("{'sdp':'x'}"));

        assertThat(text(codec.encode(envelope))).isEqualTo(q("{'type':'webrtc:offer','room':'r','from':'user-1','data':{'sdp':'x'}}"));
    }

    @Test
    void decodedClientFrameWithToIsRelayedWithoutIt() {
        Envelope in = codec.decode(q("{'type':'webrtc:offer','id':'c-1','room':'r','to':'user-2','data':{'sdp':'x'}}"));
        Envelope out = Envelope.event(in.type(), in.room(), "user-1", in.data());

        JsonNode parsed = parse(codec.encode(out));

        assertThat(parsed.has("to")).isFalse();
        assertThat(parsed.get("from").stringValue()).isEqualTo("user-1");
        assertThat(parsed.get("data")).isEqualTo(object("{'sdp':'x'}"));
    }

    @Test
    void dataIsAlwaysPresentAndEmptyWhenNoneWasGiven() {
        JsonNode parsed = parse(codec.encode(Envelope.event(EventType.CHAT_TYPING, "r", "u", null)));

        assertThat(parsed.has("data")).isTrue();
        assertThat(parsed.get("data").isObject()).isTrue();
        assertThat(parsed.get("data").isEmpty()).isTrue();
    }

    @Test
    void seqZeroIsWrittenAsANumber() {
        JsonNode parsed = parse(codec.encode(Envelope.sequenced(EventType.CHAT_CONFIRMED, "r", "u", 0, null)));

        assertThat(parsed.get("seq").isIntegralNumber()).isTrue();
        assertThat(parsed.get("seq").longValue()).isZero();
    }

    @Test
    void largeSeqSurvivesTheRoundTrip() {
        JsonNode parsed = parse(codec.encode(Envelope.sequenced(EventType.CHAT_CONFIRMED, "r", "u", Long.MAX_VALUE, null)));

        assertThat(parsed.get("seq").longValue()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void outputIsUtf8WithoutWhitespace() {
        byte[] bytes = codec.encode(Envelope.event(EventType.CHAT_MESSAGE, "r", "u", object("{'body':'é'}")));

        assertThat(new String(bytes, StandardCharsets.UTF_8)).doesNotContain(" ", "\n");
        assertThat(bytes).containsSubsequence((byte) 0xC3, (byte) 0xA9);
    }

    @Test
    void unicodeQuotesAndControlCharactersSurviveTheRoundTrip() {
        String tricky = "héllo \"quoted\" back\\slash /slash\n\r\t\b\f \u0000\u001f 日本語 😀 \u2028\u2029 </script>";
        ObjectNode data = JsonNodeFactory.instance.objectNode();
        data.put("body", tricky);
        data.put(tricky, "as a key");
        Envelope envelope = new Envelope("chat:message", "c\"1", "r", null, "us\"er é😀", null, data);

        byte[] bytes = codec.encode(envelope);
        JsonNode parsed = parse(bytes);

        assertThat(parsed.get("id").stringValue()).isEqualTo("c\"1");
        assertThat(parsed.get("from").stringValue()).isEqualTo("us\"er é😀");
        assertThat(parsed.get("data").get("body").stringValue()).isEqualTo(tricky);
        assertThat(parsed.get("data").get(tricky).stringValue()).isEqualTo("as a key");
        assertThat(text(bytes)).contains("\\\"quoted\\\"", "\\n", "\\u0000");
    }

    @Test
    void encodedFrameDecodesBackToTheSameTypeRoomAndData() {
        // Parsed by the codec itself, so that decimals are BigDecimal on both sides.
        ObjectNode data = (ObjectNode) codec.mapper().readTree(
                "{\"tempId\":\"t-1\",\"body\":\"ça va? 😀\",\"meta\":{\"enc\":\"AES\",\"n\":[1,2.5,true,null]}}");
        Envelope original = new Envelope("chat:send_message", "c-1", "room@x", null, null, null, data);

        Envelope decoded = codec.decode(text(codec.encode(original)));

        assertThat(decoded).isEqualTo(original);
    }

    @Test
    void theSameEnvelopeEncodesToTheSameBytesEveryTime() {
        Envelope envelope = Envelope.event(EventType.CHAT_MESSAGE, "r", "u", object("{'a':1,'b':[1,2]}"));

        assertThat(codec.encode(envelope)).isEqualTo(codec.encode(envelope));
    }

    // --- factory shapes ---

    @Test
    void ackCarriesTheIdAndData() {
        Envelope ack = Envelope.ack("c-17", object("{'tempId':'t-9'}"));

        assertThat(ack.eventType()).isSameAs(EventType.ACK);
        assertThat(text(codec.encode(ack))).isEqualTo(q("{'type':'ack','id':'c-17','data':{'tempId':'t-9'}}"));
    }

    @Test
    void ackWithoutDataHasAnEmptyObject() {
        assertThat(text(codec.encode(Envelope.ack("c-1", null)))).isEqualTo(q("{'type':'ack','id':'c-1','data':{}}"));
    }

    @Test
    void errorCarriesTheCodeWireNameAndMessage() {
        Envelope error = Envelope.error("c-17", ErrorCode.NOT_IN_ROOM, "join the room first");

        assertThat(error.eventType()).isSameAs(EventType.ERROR);
        assertThat(text(codec.encode(error))).isEqualTo(
                q("{'type':'error','id':'c-17','data':{'code':'not_in_room','message':'join the room first'}}"));
    }

    @Test
    void errorWithoutIdOmitsIt() {
        assertThat(text(codec.encode(Envelope.error(null, ErrorCode.BAD_REQUEST, "no"))))
                .isEqualTo(q("{'type':'error','data':{'code':'bad_request','message':'no'}}"));
    }

    @Test
    void eventCarriesRoomAndSenderButNoIdOrSeq() {
        Envelope joined = Envelope.event(EventType.CHAT_USER_JOINED, "consult-42", null, object("{'userId':'u-1'}"));

        assertThat(text(codec.encode(joined)))
                .isEqualTo(q("{'type':'chat:user_joined','room':'consult-42','data':{'userId':'u-1'}}"));
    }

    @Test
    void backendEventKeepsItsOwnTypeVerbatim() {
        Envelope event = Envelope.event("queue:updated", "clinic-7:queue", "svc-queue", object("{'position':3}"));

        assertThat(event.eventType()).isNull();
        assertThat(text(codec.encode(event))).isEqualTo(
                q("{'type':'queue:updated','room':'clinic-7:queue','from':'svc-queue','data':{'position':3}}"));
    }

    @Test
    void sequencedEventCarriesSeqAfterFrom() {
        Envelope confirmed = Envelope.sequenced(EventType.CHAT_CONFIRMED, "r", "doctor-1", 42,
                object("{'msgId':'m','tempId':'t','body':'b','ts':1700000000000}"));

        assertThat(text(codec.encode(confirmed))).isEqualTo(q("{'type':'chat:confirmed','room':'r','from':'doctor-1',"
                + "'seq':42,'data':{'msgId':'m','tempId':'t','body':'b','ts':1700000000000}}"));
    }

    @Test
    void envelopeNeedsAType() {
        assertThatIllegalArgumentException().isThrownBy(() -> new Envelope(null, null, null, null, null, null, null));
        assertThatIllegalArgumentException().isThrownBy(() -> new Envelope("", null, null, null, null, null, null));
    }

    @Test
    void envelopeNeverHasNullData() {
        assertThat(new Envelope("ack", null, null, null, null, null, null).data()).isNotNull().isEmpty();
    }
}
