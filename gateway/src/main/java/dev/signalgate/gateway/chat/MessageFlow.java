package dev.signalgate.gateway.chat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.observability.GatewayEvents;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.persistence.IdempotencyKey;
import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoreUnavailableException;
import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.persistence.WriterSettings;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.FrameLimits;
import dev.signalgate.protocol.payload.SendMessage;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code chat:send_message}, optimistic then durable:
 * <ol>
 * <li>at once, before any database work, the other connections in the room get {@code chat:message} and the
 * sender gets its ack;</li>
 * <li>the message goes to the batching {@link MessageWriter}; when the write settles, every connection in the
 * room gets exactly one {@code chat:confirmed} (with {@code seq}) or {@code chat:failed}.</li>
 * </ol>
 *
 * <p>A retry with the same {@code tempId} (after a reconnect, or while the first write is still in flight)
 * stores nothing new. Its answer, the stored message's {@code chat:confirmed}, goes to the retrying connection
 * only: the room already had, or will have, the confirmation of the attempt that stored it. Except when the room
 * was told {@code chat:failed} for that message ({@link FailedInRoom}): a write that timed out may have been
 * stored all the same, and then the retry's confirmation goes to the whole room (a member that already has the
 * seq ignores it). Confirmations are published in the order the writer settles them, which within a room is
 * {@code seq} order; such a late one carries an older seq.
 */
public final class MessageFlow {

    private static final Logger log = LoggerFactory.getLogger(MessageFlow.class);

    private final Hub rooms;
    private final Replies replies;
    private final MessageWriter writer;
    private final StoredMessages storedMessages;
    private final FrameLimits limits;
    private final Clock clock;
    private final GatewayEvents events;
    private final Map<IdempotencyKey, Boolean> attemptsInFlight = new ConcurrentHashMap<>();
    /** As many as the writer may hold pending: about one stall's worth of failures. */
    private final FailedInRoom failedInRoom = new FailedInRoom(WriterSettings.DEFAULT_MAX_PENDING);

    public MessageFlow(Hub rooms, Replies replies, MessageWriter writer, StoredMessages storedMessages,
            FrameLimits limits, Clock clock, GatewayEvents events) {
        this.events = events;
        this.rooms = rooms;
        this.replies = replies;
        this.writer = writer;
        this.storedMessages = storedMessages;
        this.limits = limits;
        this.clock = clock;
    }

    /** Relays, acknowledges and stores one message; the caller checked room membership. */
    public void send(Connection sender, Envelope frame) {
        String room = frame.room();
        String user = sender.userId();
        SendMessage message = SendMessage.from(frame.data(), limits);
        long received = System.nanoTime();
        long ts = clock.millis();

        ObjectNode data = Replies.object().put("tempId", message.tempId()).put("body", message.body());
        if (message.meta() != null) {
            data.set("meta", message.meta());
        }
        data.put("ts", ts);
        if (sender.principal().name() != null) {
            data.put("name", sender.principal().name());
        }
        rooms.publish(room, Delivery.toAllBut(
                replies.encode(Envelope.event(EventType.CHAT_MESSAGE, room, user, data)), sender));
        replies.ack(sender, frame, Replies.object().put("tempId", message.tempId()));
        events.messageRelayed(room, Duration.ofNanos(System.nanoTime() - received));

        IdempotencyKey key = new IdempotencyKey(room, user, message.tempId());
        boolean firstAttempt = attemptsInFlight.putIfAbsent(key, Boolean.TRUE) == null;
        writer.submit(NewMessage.chat(room, user, message.tempId(), message.body(),
                        storedMessages.metaJson(message.meta()), Instant.ofEpochMilli(ts)))
                .doFinally(signal -> {
                    if (firstAttempt) {
                        attemptsInFlight.remove(key);
                    }
                })
                .subscribe(
                        stored -> {
                            boolean toldFailed = failedInRoom.takeBack(key);
                            confirmed(sender, stored, toldFailed || firstAttempt && storedByThisAttempt(stored, ts));
                            events.messageConfirmed(room, Duration.ofNanos(System.nanoTime() - received));
                        },
                        failure -> failed(sender, key, failure, firstAttempt));
    }

    /**
     * Whether the write of this attempt created the stored message, rather than finding an earlier attempt's.
     * An earlier attempt was accepted at an earlier millisecond: a retry needs at least a round trip and a
     * batch, so the stored timestamp tells the two apart.
     */
    private static boolean storedByThisAttempt(StoredMessage stored, long attemptTs) {
        return stored.ts().toEpochMilli() == attemptTs;
    }

    private void confirmed(Connection sender, StoredMessage stored, boolean broadcast) {
        var frame = replies.encode(storedMessages.confirmed(stored));
        if (broadcast) {
            rooms.publish(stored.room(), Delivery.sequenced(frame, stored.seq()));
        } else {
            sender.send(frame);
        }
    }

    private void failed(Connection sender, IdempotencyKey key, Throwable failure, boolean broadcast) {
        String room = key.room();
        String tempId = key.tempId();
        ErrorCode code = failure instanceof StoreUnavailableException ? ErrorCode.UNAVAILABLE : ErrorCode.INTERNAL;
        events.messageFailed(room, code);
        if (code == ErrorCode.INTERNAL) {
            log.error("message write failed: connection={} room={}", sender.id(), room, failure);
        }
        ObjectNode data = Replies.object()
                .put("tempId", tempId)
                .put("code", code.wireName())
                .put("message", code == ErrorCode.UNAVAILABLE
                        ? "the message store is unavailable; retry with the same tempId"
                        : "the message could not be stored");
        var frame = replies.encode(Envelope.event(EventType.CHAT_FAILED, room, sender.userId(), data));
        if (broadcast) {
            failedInRoom.told(key);
            rooms.publish(room, Delivery.toAll(frame));
        } else {
            sender.send(frame);
        }
    }
}
