package dev.signalgate.gateway.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * One outbound text frame, already encoded to UTF-8 JSON. A fan-out encodes its envelope once and hands the same
 * {@code Frame} to every member.
 *
 * <p>The WebSocket framing is done once too: {@link #wire()} gives each socket a buffer over the complete
 * frame (header and payload) built on first use, so a delivery costs one small wrapper instead of a
 * message, a data buffer, a Netty frame object and an encoder pass per member. Server frames are never
 * masked and this gateway does not compress, so the bytes are the same for every recipient.
 */
public final class Frame {

    private static final byte FIN_TEXT = (byte) 0x81;

    private final String type;
    private final byte[] json;
    private final boolean ephemeral;
    /** Heap memory: the wrappers need no release for the memory to be reclaimed, so none can leak it. */
    private volatile byte @Nullable [] wire;

    /**
     * @param type the envelope's type, for metrics
     * @param json the encoded envelope; never modified after construction
     * @param ephemeral whether the frame may be dropped when the connection is backed up (typing indicators): a
     *     later frame of the same kind supersedes it, so losing it costs nothing
     */
    public Frame(String type, byte[] json, boolean ephemeral) {
        this.type = type;
        this.json = json;
        this.ephemeral = ephemeral;
    }

    public static Frame essential(String type, byte[] json) {
        return new Frame(type, json, false);
    }

    public static Frame ephemeral(String type, byte[] json) {
        return new Frame(type, json, true);
    }

    public String type() {
        return type;
    }

    public byte[] json() {
        return json;
    }

    public boolean ephemeral() {
        return ephemeral;
    }

    /**
     * The whole WebSocket frame in a buffer of this socket's own, to write (and release). Its own, not a
     * retained duplicate of one shared buffer: every retain and release of a shared reference count is a
     * write to one cache line from every event loop, which took a fifth of the fan-out's CPU.
     */
    public ByteBuf wire() {
        byte[] built = wire;
        if (built == null) {
            // Two sockets may build it at once; either copy is right, and one of them is kept.
            built = encode(json);
            wire = built;
        }
        return Unpooled.wrappedBuffer(built);
    }

    /** RFC 6455 §5.2: FIN and opcode 1 (text), no mask, then the payload length in 7, 7+16 or 7+64 bits. */
    static byte[] encode(byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = FIN_TEXT;
        if (header == 2) {
            frame[1] = (byte) length;
        } else if (header == 4) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        return frame;
    }
}
