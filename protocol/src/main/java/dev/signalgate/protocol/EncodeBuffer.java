package dev.signalgate.protocol;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * Where one thread's {@link FrameCodec#encode} writes before it takes the frame's exact bytes: one buffer per
 * thread, reused, so that an encode allocates the frame and nothing that grows on the way to it.
 */
final class EncodeBuffer extends OutputStream {

    private static final int KEPT = 64 * 1024;
    private static final ThreadLocal<EncodeBuffer> BUFFERS = ThreadLocal.withInitial(EncodeBuffer::new);

    private byte[] bytes = new byte[1024];
    private int size;

    /** This thread's buffer, emptied. */
    static EncodeBuffer forThisThread() {
        EncodeBuffer buffer = BUFFERS.get();
        buffer.size = 0;
        return buffer;
    }

    @Override
    public void write(int b) {
        ensure(size + 1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] source, int offset, int length) {
        ensure(size + length);
        System.arraycopy(source, offset, bytes, size, length);
        size += length;
    }

    /** The bytes written since {@link #forThisThread}, copied; a buffer grown past 64 KiB is let go. */
    byte[] toByteArray() {
        byte[] copy = Arrays.copyOf(bytes, size);
        if (bytes.length > KEPT) {
            bytes = new byte[1024];
        }
        return copy;
    }

    private void ensure(int needed) {
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(needed, bytes.length * 2));
        }
    }
}
