package dev.signalgate.gateway.connection;

/**
 * One outbound text frame, already encoded to UTF-8 JSON. A fan-out encodes its envelope once and hands the same
 * {@code Frame} to every member; each socket wraps the bytes without copying.
 *
 * @param type the envelope's type, for metrics
 * @param json the encoded envelope; never modified after construction
 * @param ephemeral whether the frame may be dropped when the connection is backed up (typing indicators): a
 *     later frame of the same kind supersedes it, so losing it costs nothing
 */
public record Frame(String type, byte[] json, boolean ephemeral) {

    public static Frame essential(String type, byte[] json) {
        return new Frame(type, json, false);
    }

    public static Frame ephemeral(String type, byte[] json) {
        return new Frame(type, json, true);
    }
}
