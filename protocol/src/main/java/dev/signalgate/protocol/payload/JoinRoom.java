package dev.signalgate.protocol.payload;

import dev.signalgate.protocol.Payloads;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data of {@code chat:join_room}.
 *
 * @param since when set, every stored message with a larger {@code seq} is replayed before live traffic
 */
public record JoinRoom(Long since) {

    public static JoinRoom from(ObjectNode data) {
        return new JoinRoom(Payloads.optionalNonNegativeLong(data, "since"));
    }
}
