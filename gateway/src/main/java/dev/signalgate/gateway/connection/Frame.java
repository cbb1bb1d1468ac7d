package dev.signalgate.gateway.connection;

/**
 * One outbound text frame, already encoded to UTF-8 JSON. A fan-out encodes its envelope once and hands the same
 * {@code Frame} to every member; each socket wraps the bytes without copying.
 *
 * @param json the encoded envelope; never modified after construction
 * @param ephemeral whether the frame may be dropped when the connection is backed up (typing indicators): a
 *     later frame of the same kind supersedes it, so losing it costs nothing
 */
public record Frame(byte[] json, boolean ephemeral) {

    public static Frame essential(byte[] json) {
        return new Frame(json, false);
    }

    public static Frame ephemeral(byte[] json) {
        return new Frame(json, true);
    }
}
