package dev.signalgate.protocol;

import static dev.signalgate.protocol.TestJson.q;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import org.junit.jupiter.api.Test;

/** The size limits the decoder enforces inside one frame. */
class FrameLimitsTest {

    @Test
    void defaultsAreThoseDocumented() {
        FrameLimits limits = FrameLimits.defaults();

        assertThat(limits.maxNestingDepth()).isEqualTo(32);
        assertThat(limits.maxStringLength()).isEqualTo(65_536);
        assertThat(limits.maxNameLength()).isEqualTo(256);
        assertThat(limits.maxBodyBytes()).isEqualTo(16 * 1024);
        assertThat(FrameLimits.MAX_ID_LENGTH).isEqualTo(64);
        assertThat(FrameLimits.MAX_TEMP_ID_LENGTH).isEqualTo(64);
    }

    @Test
    void limitsMustBePositiveAndAllowAtLeastTheEnvelopeAndItsData() {
        assertThatIllegalArgumentException().isThrownBy(() -> new FrameLimits(1, 10, 10, 10));
        assertThatIllegalArgumentException().isThrownBy(() -> new FrameLimits(2, 0, 10, 10));
        assertThatIllegalArgumentException().isThrownBy(() -> new FrameLimits(2, 10, 0, 10));
        assertThatIllegalArgumentException().isThrownBy(() -> new FrameLimits(2, 10, 10, 0));
        assertThat(new FrameLimits(2, 1, 1, 1).maxNestingDepth()).isEqualTo(2);
    }

    @Test
    void nestingUpToTheDefaultDepthOf32IsAccepted() {
        Envelope envelope = new FrameCodec().decode(frameNested(32));

        assertThat(envelope.data().get("a").isArray()).isTrue();
    }

    @Test
    void nestingDeeperThanTheDefaultDepthIsBadRequest() {
        ProtocolException e = badRequest(new FrameCodec(), frameNested(33));

        assertThat(e.getMessage()).startsWith("frame exceeds a limit").containsIgnoringCase("nesting depth");
    }

    @Test
    void deeplyNestedGarbageIsRefusedWithoutOverflowingTheStack() {
        ProtocolException e = badRequest(new FrameCodec(), "[".repeat(100_000));

        assertThat(e.getMessage()).startsWith("frame exceeds a limit");
    }

    @Test
    void nestingLimitCountsTheEnvelopeItself() {
        FrameCodec codec = new FrameCodec(new FrameLimits(3, 1_000, 100, 1_000));

        assertThat(codec.decode(frameNested(3)).data().get("a").isArray()).isTrue();
        badRequest(codec, frameNested(4));
    }

    @Test
    void stringLongerThanTheLimitIsBadRequest() {
        FrameCodec codec = new FrameCodec(new FrameLimits(32, 40, 256, 1_000));

        ProtocolException e = badRequest(codec, q("{'type':'chat:typing','room':'r','data':{'a':'" + "x".repeat(41) + "'}}"));

        assertThat(e.getMessage()).startsWith("frame exceeds a limit").containsIgnoringCase("string value length");
    }

    @Test
    void stringOfExactlyTheLimitIsAccepted() {
        FrameCodec codec = new FrameCodec(new FrameLimits(32, 40, 256, 1_000));

        Envelope envelope = codec.decode(q("{'type':'chat:typing','room':'r','data':{'a':'" + "x".repeat(40) + "'}}"));

        assertThat(envelope.data().get("a").stringValue()).hasSize(40);
    }

    @Test
    void stringLimitAppliesToEnvelopeFieldsToo() {
        FrameCodec codec = new FrameCodec(new FrameLimits(32, 40, 256, 1_000));

        badRequest(codec, q("{'type':'chat:typing','room':'r','x':'" + "x".repeat(41) + "'}"));
    }

    @Test
    void keyLongerThanTheNameLimitIsBadRequest() {
        FrameCodec codec = new FrameCodec(new FrameLimits(32, 1_000, 8, 1_000));

        ProtocolException e = badRequest(codec, q("{'type':'chat:typing','room':'r','data':{'abcdefghi':1}}"));

        assertThat(e.getMessage()).startsWith("frame exceeds a limit").containsIgnoringCase("name length");
    }

    @Test
    void keyOfExactlyTheNameLimitIsAccepted() {
        FrameCodec codec = new FrameCodec(new FrameLimits(32, 1_000, 8, 1_000));

        assertThat(codec.decode(q("{'type':'chat:typing','room':'r','data':{'abcdefgh':1}}")).data().has("abcdefgh"))
                .isTrue();
    }

    @Test
    void codecReportsTheLimitsItWasBuiltWith() {
        FrameLimits limits = new FrameLimits(8, 100, 20, 50);

        assertThat(new FrameCodec(limits).limits()).isEqualTo(limits);
    }

    @Test
    void codecMapperEnforcesTheSameLimits() {
        FrameCodec codec = new FrameCodec(new FrameLimits(3, 1_000, 100, 1_000));

        assertThat(catchThrowableOfType(RuntimeException.class,
                () -> codec.mapper().readTree("[[[[1]]]]"))).isNotNull();
    }

    /** A chat:typing frame whose deepest nesting, counting the envelope object itself, is {@code depth}. */
    private static String frameNested(int depth) {
        int arrays = depth - 2; // the envelope and data objects count for two
        return q("{'type':'chat:typing','room':'r','data':{'a':" + "[".repeat(arrays) + "]".repeat(arrays) + "}}");
    }

    private static ProtocolException badRequest(FrameCodec codec, String frame) {
        ProtocolException e = catchThrowableOfType(ProtocolException.class, () -> codec.decode(frame));
        assertThat(e).as("decoding should fail").isNotNull();
        assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST);
        return e;
    }
}
