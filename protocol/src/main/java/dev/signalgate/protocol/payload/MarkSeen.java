package dev.signalgate.protocol.payload;

import dev.signalgate.protocol.Payloads;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data of {@code chat:mark_seen}: the user has read the room up to {@code seq}.
 */
public record MarkSeen(long seq) {

    public static MarkSeen from(ObjectNode data) {
        return new MarkSeen(Payloads.requiredNonNegativeLong(data, "seq"));
    }
}
