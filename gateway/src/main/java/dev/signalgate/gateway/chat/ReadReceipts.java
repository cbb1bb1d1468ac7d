package dev.signalgate.gateway.chat;

import java.time.Duration;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.persistence.ReadMarkStore;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.payload.MarkSeen;
import reactor.core.publisher.Mono;

/**
 * {@code chat:mark_seen}: stores the user's read mark for the room (it only moves forward) and tells the room's
 * members with {@code chat:seen} when it moved. The ack carries the mark now stored, which is larger than the
 * one sent when another device of the user had already read further.
 */
final class ReadReceipts {

    private final Hub rooms;
    private final ReadMarkStore marks;
    private final Replies replies;
    private final Duration timeout;

    ReadReceipts(Hub rooms, ReadMarkStore marks, Replies replies, Duration timeout) {
        this.rooms = rooms;
        this.marks = marks;
        this.replies = replies;
        this.timeout = timeout;
    }

    Mono<Void> markSeen(Connection connection, Envelope frame) {
        long seq = MarkSeen.from(frame.data()).seq();
        String room = frame.room();
        return marks.advance(room, connection.userId(), seq)
                .timeout(timeout)
                .onErrorMap(StoreErrors::unavailable)
                .doOnNext(stored -> {
                    replies.ack(connection, frame, Replies.object().put("room", room).put("seq", stored));
                    if (stored == seq) {
                        rooms.publish(room, Delivery.toAll(replies.encode(Envelope.event(EventType.CHAT_SEEN, room,
                                connection.userId(), Replies.object().put("seq", stored)))));
                    }
                })
                .then();
    }
}
