package dev.signalgate.gateway.chat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.room.MemberFeed;
import dev.signalgate.persistence.MessageStore;
import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import reactor.core.publisher.Mono;

/**
 * The replay half of {@code chat:join_room} with {@code since}: every stored message of the room with a larger
 * {@code seq}, in {@code seq} order, as {@code chat:confirmed} frames (persisted backend events in their own
 * shape, see {@link StoredMessages#replayed}), then the live traffic that the member's
 * {@link MemberFeed} held back meanwhile, without the messages the replay already sent. No gap (the feed held
 * everything live from the moment of the join), no duplicate (the feed skips {@code seq} up to the replay's
 * last).
 *
 * <p>The replay reads pages of {@value #PAGE} and waits for the connection's outbox to drain below a quarter of
 * its capacity before each next page, so a long backlog never overflows a healthy connection.
 */
final class Resume {

    static final int PAGE = 100;

    private final MessageStore store;
    private final Replies replies;
    private final StoredMessages storedMessages;
    private final Duration timeout;
    private final int lowWater;

    Resume(MessageStore store, Replies replies, StoredMessages storedMessages, Duration timeout, int lowWater) {
        this.store = store;
        this.replies = replies;
        this.storedMessages = storedMessages;
        this.timeout = timeout;
        this.lowWater = lowWater;
    }

    /** Replays after {@code since}, then releases the feed; completes when live traffic flows again. */
    Mono<Void> replay(Connection connection, String room, long since, MemberFeed feed) {
        AtomicLong replayed = new AtomicLong(since);
        return replayPages(connection, room, since, replayed)
                .onErrorResume(failure -> {
                    var error = Replies.object()
                            .put("code", ErrorCode.UNAVAILABLE.wireName())
                            .put("message", "resume interrupted: the message store is unavailable; join again"
                                    + " with since to catch up");
                    connection.send(replies.encode(new Envelope("error", null, room, null, null, null, error)));
                    // Whatever the partial replay sent must not come again from the held live traffic.
                    return Mono.just(replayed.get());
                })
                .doOnNext(feed::release)
                .then();
    }

    private Mono<Long> replayPages(Connection connection, String room, long after, AtomicLong replayed) {
        return store.after(room, after, PAGE).collectList().timeout(timeout).flatMap(page -> {
            long last = after;
            for (StoredMessage message : page) {
                connection.send(replies.encode(storedMessages.replayed(message)));
                last = message.seq();
                replayed.set(last);
            }
            if (page.size() < PAGE) {
                return Mono.just(last);
            }
            long next = last;
            return connection.outbox().awaitBelow(lowWater)
                    .then(Mono.defer(() -> replayPages(connection, room, next, replayed)));
        });
    }
}
