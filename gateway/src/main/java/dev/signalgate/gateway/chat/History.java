package dev.signalgate.gateway.chat;

import java.time.Duration;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.persistence.MessageStore;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.payload.HistoryQuery;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code chat:history}: a page of stored messages, newest first, and whether older ones exist. */
final class History {

    private final MessageStore store;
    private final Replies replies;
    private final StoredMessages storedMessages;
    private final Duration timeout;

    History(MessageStore store, Replies replies, StoredMessages storedMessages, Duration timeout) {
        this.store = store;
        this.replies = replies;
        this.storedMessages = storedMessages;
        this.timeout = timeout;
    }

    Mono<Void> page(Connection connection, Envelope frame) {
        HistoryQuery query = HistoryQuery.from(frame.data());
        // One more than asked tells whether there is a further page without a second query.
        return store.before(frame.room(), query.before(), query.limit() + 1).collectList()
                .timeout(timeout)
                .onErrorMap(StoreErrors::unavailable)
                .doOnNext(page -> {
                    ObjectNode ack = Replies.object().put("room", frame.room());
                    ArrayNode messages = ack.putArray("messages");
                    page.stream().limit(query.limit()).map(storedMessages::historyEntry).forEach(messages::add);
                    ack.put("hasMore", page.size() > query.limit());
                    replies.ack(connection, frame, ack);
                })
                .then();
    }
}
