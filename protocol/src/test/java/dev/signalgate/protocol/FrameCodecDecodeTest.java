package dev.signalgate.protocol;

import static dev.signalgate.protocol.TestJson.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Frames the decoder accepts, and types it refuses. Malformed frames are in {@link MalformedFrameTest}. */
class FrameCodecDecodeTest {

    private final FrameCodec codec = new FrameCodec();

    static Stream<EventType> clientSendableTypes() {
        return Arrays.stream(EventType.values()).filter(EventType::clientSendable);
    }

    static Stream<EventType> serverOnlyTypes() {
        return Arrays.stream(EventType.values()).filter(type -> !type.clientSendable());
    }

    @ParameterizedTest
    @MethodSource("clientSendableTypes")
    void everyClientSendableTypeDecodesWithAValidRoom(EventType type) {
        Envelope envelope = codec.decode(q("{'type':'" + type.wireName() + "','id':'c-1','room':'consult-42'}"));

        assertThat(envelope.type()).isEqualTo(type.wireName());
        assertThat(envelope.eventType()).isSameAs(type);
        assertThat(envelope.id()).isEqualTo("c-1");
        assertThat(envelope.room()).isEqualTo("consult-42");
        assertThat(envelope.data()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("serverOnlyTypes")
    void everyServerOnlyTypeIsRefusedAsUnknownAndKeepsItsId(EventType type) {
        ProtocolException e = refused(q("{'type':'" + type.wireName() + "','id':'c-2','room':'consult-42'}"));

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(e.correlationId()).isEqualTo("c-2");
        assertThat(e.getMessage()).contains(type.wireName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "chat:nope", "queue:updated", "CHAT:JOIN_ROOM", "join_room", "chat:", "webrtc"})
    void unknownTypesAreRefusedAsUnknownType(String type) {
        ProtocolException e = refused(q("{'type':'" + type + "','id':'c-3','room':'r'}"));

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(e.correlationId()).isEqualTo("c-3");
        assertThat(e.getMessage()).contains("\"" + type + "\"");
    }

    @Test
    void unknownTypeIsRefusedBeforeTheRoomIsLookedAt() {
        ProtocolException e = refused(q("{'type':'queue:updated','room':'not a room'}"));

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
    }

    @Test
    void aLongUnknownTypeIsEchoedCutShort() {
        String type = "x".repeat(500);
        ProtocolException e = refused(q("{'type':'" + type + "'}"));

        assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_TYPE);
        assertThat(e.getMessage()).contains("x".repeat(40) + "…").doesNotContain("x".repeat(41));
    }

    @Test
    void theContractExampleDecodes() {
        Envelope envelope = codec.decode(
                q("{'type':'chat:send_message','id':'c-17','room':'consult-42','data':{'tempId':'t-9','body':'hello'}}"));

        assertThat(envelope.type()).isEqualTo("chat:send_message");
        assertThat(envelope.id()).isEqualTo("c-17");
        assertThat(envelope.room()).isEqualTo("consult-42");
        assertThat(envelope.to()).isNull();
        assertThat(envelope.from()).isNull();
        assertThat(envelope.seq()).isNull();
        assertThat(envelope.data().get("tempId").stringValue()).isEqualTo("t-9");
        assertThat(envelope.data().get("body").stringValue()).isEqualTo("hello");
    }

    @Test
    void frameWithoutIdDecodesWithNoCorrelationId() {
        assertThat(codec.decode(q("{'type':'chat:typing','room':'r'}")).id()).isNull();
    }

    @Test
    void nullIdCountsAsNoId() {
        assertThat(codec.decode(q("{'type':'chat:typing','id':null,'room':'r'}")).id()).isNull();
    }

    @Test
    void idOfExactly64CharactersIsAccepted() {
        String id = "i".repeat(FrameLimits.MAX_ID_LENGTH);

        assertThat(codec.decode(q("{'type':'chat:typing','id':'" + id + "','room':'r'}")).id()).isEqualTo(id);
    }

    @Test
    void roomOfExactly128CharactersIsAccepted() {
        String room = "r".repeat(RoomIds.MAX_LENGTH);

        assertThat(codec.decode(q("{'type':'chat:join_room','room':'" + room + "'}")).room()).isEqualTo(room);
    }

    @Test
    void roomWithEveryAllowedSpecialCharacterIsAccepted() {
        String room = "Clinic_7.consult:42@eu-west-0";

        assertThat(codec.decode(q("{'type':'chat:join_room','room':'" + room + "'}")).room()).isEqualTo(room);
    }

    @Test
    void absentDataDecodesAsAnEmptyObject() {
        Envelope envelope = codec.decode(q("{'type':'chat:leave_room','room':'r'}"));

        assertThat(envelope.data()).isNotNull();
        assertThat(envelope.data().isObject()).isTrue();
        assertThat(envelope.data()).isEmpty();
    }

    @Test
    void nullDataDecodesAsAnEmptyObject() {
        Envelope envelope = codec.decode(q("{'type':'chat:leave_room','room':'r','data':null}"));

        assertThat(envelope.data()).isNotNull();
        assertThat(envelope.data()).isEmpty();
    }

    @Test
    void dataIsPassedThroughUntouched() {
        Envelope envelope = codec.decode(
                q("{'type':'webrtc:offer','room':'r','data':{'sdp':'v=0\\r\\n','n':[1,2,{'x':null}]}}"));

        assertThat(envelope.data()).isEqualTo(TestJson.object("{'sdp':'v=0\\r\\n','n':[1,2,{'x':null}]}"));
    }

    @Test
    void targetUserIsReadFromTo() {
        Envelope envelope = codec.decode(q("{'type':'webrtc:offer','room':'r','to':'user-2','data':{'sdp':'x'}}"));

        assertThat(envelope.to()).isEqualTo("user-2");
    }

    @Test
    void nullToCountsAsNoTarget() {
        assertThat(codec.decode(q("{'type':'webrtc:offer','room':'r','to':null}")).to()).isNull();
    }

    @Test
    void unknownFieldsAreIgnored() {
        Envelope envelope = codec.decode(
                q("{'v':2,'type':'chat:typing','extra':{'deep':[1,2]},'room':'r','ts':123,'data':{'x':1}}"));

        assertThat(envelope.type()).isEqualTo("chat:typing");
        assertThat(envelope.room()).isEqualTo("r");
        assertThat(envelope.data()).isEqualTo(TestJson.object("{'x':1}"));
    }

    @Test
    void clientSuppliedFromAndSeqAreIgnored() {
        Envelope envelope = codec.decode(
                q("{'type':'chat:send_message','room':'r','from':'mallory','seq':99,'data':{'tempId':'t','body':'b'}}"));

        assertThat(envelope.from()).isNull();
        assertThat(envelope.seq()).isNull();
    }

    @Test
    void clientSuppliedFromAndSeqOfTheWrongKindAreIgnoredToo() {
        Envelope envelope = codec.decode(q("{'type':'chat:typing','room':'r','from':{'sub':'admin'},'seq':'x'}"));

        assertThat(envelope.from()).isNull();
        assertThat(envelope.seq()).isNull();
    }

    @Test
    void fieldOrderDoesNotMatter() {
        Envelope envelope = codec.decode(q("{'data':{'a':1},'room':'r','id':'c-1','type':'chat:typing'}"));

        assertThat(envelope.type()).isEqualTo("chat:typing");
        assertThat(envelope.id()).isEqualTo("c-1");
        assertThat(envelope.room()).isEqualTo("r");
    }

    @Test
    void whitespaceAroundTheFrameIsAccepted() {
        assertThat(codec.decode(" \n\t" + q("{ 'type' : 'chat:typing' , 'room' : 'r' }") + "\r\n ").room())
                .isEqualTo("r");
    }

    @Test
    void unicodeInDataSurvivesDecoding() {
        Envelope envelope = codec.decode(
                q("{'type':'chat:typing','room':'r','data':{'a':'héllo 日本 😀','b':'\\u00e9\\ud83d\\ude00'}}"));

        assertThat(envelope.data().get("a").stringValue()).isEqualTo("héllo 日本 😀");
        assertThat(envelope.data().get("b").stringValue()).isEqualTo("é😀");
    }

    @Test
    void controlTypeNeedsNoRoom() {
        Envelope envelope = codec.decode(q("{'type':'auth:refresh','id':'c-9','data':{'token':'t'}}"));

        assertThat(envelope.eventType()).isSameAs(EventType.AUTH_REFRESH);
        assertThat(envelope.room()).isNull();
        assertThat(envelope.id()).isEqualTo("c-9");
    }

    @Test
    void codecUsesTheDefaultLimitsWhenNoneAreGiven() {
        assertThat(codec.limits()).isEqualTo(FrameLimits.defaults());
    }

    private ProtocolException refused(String frame) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(frame));
        assertThat(e).as("decoding %s should fail", frame).isNotNull();
        return e;
    }
}
