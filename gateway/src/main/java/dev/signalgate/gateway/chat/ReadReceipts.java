package dev.signalgate.gateway.chat;

import java.time.Duration;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.persistence.MessageStore;
import dev.signalgate.persistence.ReadMarkStore;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.ProtocolException;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.payload.MarkSeen;
import reactor.core.publisher.Mono;

/**
 * {@code chat:mark_seen}: stores the user's read mark for the room (it only moves forward) and tells the room's
 * members with {@code chat:seen}. Both the ack and {@code chat:seen} carry the mark now stored, which is larger
 * than the one sent when another device of the user had already read further. A mark beyond the room's last
 * message is refused: marks never move back, so a wrong one could never be undone.
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

    Mono<Void> markSeen(Connection connection, Envelope frame, MessageStore store) {
        long seq = MarkSeen.from(frame.data()).seq();
        String room = frame.room();
        return store.lastSeq(room)
                .timeout(timeout)
                .onErrorMap(StoreErrors::unavailable)
                .flatMap(lastSeq -> {
                    if (seq > lastSeq) {
                        return Mono.error(new ProtocolException(ErrorCode.BAD_REQUEST, "data.seq: expected at most "
                                + lastSeq + ", the room's last message, got " + seq));
                    }
                    return marks.advance(room, connection.userId(), seq).timeout(timeout)
                            .onErrorMap(StoreErrors::unavailable);
                })
                .doOnNext(stored -> {
                    replies.ack(connection, frame, Replies.object().put("room", room).put("seq", stored));
                    rooms.publish(room, Delivery.readMark(replies.encode(Envelope.event(EventType.CHAT_SEEN, room,
                            connection.userId(), Replies.object().put("seq", stored))), connection.userId(), stored));
                })
                .then();
    }
}
