package dev.signalgate.protocol.payload;

import dev.signalgate.protocol.Payloads;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data of {@code chat:history}: a page of stored messages, newest first.
 *
 * @param before only messages with a smaller {@code seq}; null for the newest
 * @param limit 1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}
 */
public record HistoryQuery(Long before, int limit) {

    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 50;

    public static HistoryQuery from(ObjectNode data) {
        return new HistoryQuery(Payloads.optionalNonNegativeLong(data, "before"),
                Payloads.optionalInt(data, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT));
    }
}
