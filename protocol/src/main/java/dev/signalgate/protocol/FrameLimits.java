package dev.signalgate.protocol;

/**
 * Size limits the decoder enforces on one client frame. The frame size itself (64 KiB by default) is enforced by
 * the WebSocket layer before decoding; these bound what is inside it.
 *
 * @param maxNestingDepth deepest nesting of objects and arrays, counting the envelope itself (default 32)
 * @param maxStringLength longest string value in characters (default 65,536: a frame cannot carry more anyway)
 * @param maxNameLength longest object key in characters (default 256)
 * @param maxBodyBytes largest {@code chat:send_message} body in UTF-8 bytes (default 16 KiB)
 */
public record FrameLimits(int maxNestingDepth, int maxStringLength, int maxNameLength, int maxBodyBytes) {

    /** Longest correlation id, in characters (contract: 64). */
    public static final int MAX_ID_LENGTH = 64;
    /** Longest user id in {@code to}, in characters. */
    public static final int MAX_USER_ID_LENGTH = 256;
    /** Longest {@code tempId}, in characters. */
    public static final int MAX_TEMP_ID_LENGTH = 64;

    public FrameLimits {
        if (maxNestingDepth < 2 || maxStringLength < 1 || maxNameLength < 1 || maxBodyBytes < 1) {
            throw new IllegalArgumentException("limits must be positive and nesting at least 2");
        }
    }

    /** The defaults named above. */
    public static FrameLimits defaults() {
        return new FrameLimits(32, 65_536, 256, 16 * 1024);
    }
}
