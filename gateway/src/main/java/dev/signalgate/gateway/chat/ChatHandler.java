package dev.signalgate.gateway.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

import dev.signalgate.gateway.auth.RoomAuthorization;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.DisconnectListener;
import dev.signalgate.gateway.dispatch.EventHandler;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.dispatch.RoomRevoker;
import dev.signalgate.gateway.observability.GatewayEvents;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.room.JoinResult;
import dev.signalgate.gateway.room.Presence;
import dev.signalgate.gateway.room.StoreView;
import dev.signalgate.persistence.MessageStore;
import dev.signalgate.persistence.ReadMarkStore;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.Namespace;
import dev.signalgate.protocol.ProtocolException;
import dev.signalgate.protocol.payload.JoinRoom;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code chat:} namespace: rooms with presence by user, typing relay, messages (optimistic, then durable:
 * {@link MessageFlow}), resume with {@code since} ({@link Resume}), history ({@link History}) and read marks
 * ({@link ReadReceipts}).
 *
 * <p>Joining works while the store is down: presence, typing and the optimistic relay carry on, the ack then
 * lacks {@code lastSeq} and {@code readMarks} and says {@code "store":"unavailable"}.
 */
public final class ChatHandler implements EventHandler, DisconnectListener, RoomRevoker {

    static final String KIND = "chat";
    private static final Duration DEFAULT_JOIN_STATE_MAX_AGE = Duration.ofSeconds(30);

    private final Hub rooms;
    private final Replies replies;
    private final MessageFlow messages;
    private final MessageStore store;
    private final ReadMarkStore marks;
    private final Resume resume;
    private final History history;
    private final ReadReceipts receipts;
    private final Duration timeout;
    private final GatewayEvents events;
    private final Presence presence;
    private final Function<String, Mono<ObjectNode>> callState;
    private final Duration joinStateMaxAge;

    public ChatHandler(Hub rooms, Replies replies, MessageFlow messages, MessageStore store, ReadMarkStore marks,
            StoredMessages storedMessages, Duration storeTimeout, int replayLowWater, GatewayEvents events) {
        this(rooms, replies, messages, store, marks, storedMessages, storeTimeout, replayLowWater, events,
                Presence.LOCAL);
    }

    /** @param presence who is in a room on any node ({@link Presence#LOCAL} for a single node) */
    public ChatHandler(Hub rooms, Replies replies, MessageFlow messages, MessageStore store, ReadMarkStore marks,
            StoredMessages storedMessages, Duration storeTimeout, int replayLowWater, GatewayEvents events,
            Presence presence) {
        this(rooms, replies, messages, store, marks, storedMessages, storeTimeout, replayLowWater, events, presence,
                room -> Mono.empty());
    }

    /**
     * @param callState the {@code webrtc:call_state} data of a room's call, for the join ack's {@code "call"}
     *     (empty: the ack has none)
     */
    public ChatHandler(Hub rooms, Replies replies, MessageFlow messages, MessageStore store, ReadMarkStore marks,
            StoredMessages storedMessages, Duration storeTimeout, int replayLowWater, GatewayEvents events,
            Presence presence, Function<String, Mono<ObjectNode>> callState) {
        this(rooms, replies, messages, store, marks, storedMessages, storeTimeout, replayLowWater, events, presence,
                callState, DEFAULT_JOIN_STATE_MAX_AGE);
    }

    /**
     * @param joinStateMaxAge how long a room's {@link StoreView} answers join acks after a store read; zero: every
     *     join reads the store
     */
    public ChatHandler(Hub rooms, Replies replies, MessageFlow messages, MessageStore store, ReadMarkStore marks,
            StoredMessages storedMessages, Duration storeTimeout, int replayLowWater, GatewayEvents events,
            Presence presence, Function<String, Mono<ObjectNode>> callState, Duration joinStateMaxAge) {
        this.joinStateMaxAge = joinStateMaxAge;
        this.callState = callState;
        this.events = events;
        this.presence = presence;
        this.rooms = rooms;
        this.replies = replies;
        this.messages = messages;
        this.store = store;
        this.marks = marks;
        this.timeout = storeTimeout;
        this.resume = new Resume(store, replies, storedMessages, storeTimeout, replayLowWater);
        this.history = new History(store, replies, storedMessages, storeTimeout);
        this.receipts = new ReadReceipts(rooms, marks, replies, storeTimeout);
    }

    @Override
    public Namespace namespace() {
        return Namespace.CHAT;
    }

    @Override
    public Mono<Void> handle(Connection connection, Envelope frame) {
        return switch (frame.eventType()) {
            case CHAT_JOIN_ROOM -> join(connection, frame);
            case CHAT_LEAVE_ROOM -> run(() -> leave(connection, frame));
            case CHAT_SEND_MESSAGE -> run(() -> {
                requireMember(connection, frame.room());
                messages.send(connection, frame);
            });
            case CHAT_TYPING, CHAT_STOP_TYPING -> run(() -> typing(connection, frame));
            case CHAT_MARK_SEEN -> {
                requireMember(connection, frame.room());
                yield receipts.markSeen(connection, frame, store);
            }
            case CHAT_HISTORY -> {
                RoomAuthorization.requireAccess(connection.principal(), frame.room());
                yield history.page(connection, frame);
            }
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    "type \"" + frame.type() + "\" is not served by this gateway");
        };
    }

    private Mono<Void> join(Connection connection, Envelope frame) {
        String room = frame.room();
        RoomAuthorization.requireAccess(connection.principal(), room);
        Long since = JoinRoom.from(frame.data()).since();
        JoinResult joined = rooms.join(room, connection, since != null);
        connection.rooms().add(room);
        // Membership is immediate (a message sent right after the join is the member's); the announcement and the
        // ack wait until this node hears the room's other nodes, so nothing sent after them can be missed.
        return rooms.confirmed(room)
                .onErrorResume(failure -> {
                    if (joined.status() == JoinResult.Status.JOINED) {
                        connection.rooms().remove(room);
                        rooms.leave(room, connection);
                    }
                    return Mono.error(failure);
                })
                .then(Mono.defer(() -> announceAndAck(connection, frame, room, since, joined)));
    }

    private Mono<Void> announceAndAck(Connection connection, Envelope frame, String room, Long since,
            JoinResult joined) {
        if (joined.status() == JoinResult.Status.JOINED) {
            events.joined(connection, KIND, room, joined.firstOfUser());
        }
        ObjectNode ack = Replies.object().put("room", room);
        Mono<java.util.List<String>> members;
        if (joined.firstOfUser()) {
            // Announced only for the user's first connection on any node; in single-node mode this runs at once.
            members = presence.joined(KIND, room, connection.userId(), joined.userIds(), 0).map(cluster -> {
                if (cluster.first()) {
                    ObjectNode data = Replies.object().put("userId", connection.userId());
                    if (connection.principal().name() != null) {
                        data.put("name", connection.principal().name());
                    }
                    rooms.publish(room, Delivery.toAllBut(replies.encode(
                            Envelope.event(EventType.CHAT_USER_JOINED, room, connection.userId(), data)), connection));
                }
                return cluster.members();
            });
        } else {
            members = presence.members(KIND, room, joined.userIds());
        }
        return members.doOnNext(users -> {
                    users.forEach(ack.putArray("members")::add);
                    ObjectNode names = ack.putObject("names");
                    rooms.names(room).forEach(names::put);
                })
                .then(callState.apply(room).doOnNext(call -> ack.set("call", call)))
                .then(storeState(room))
                .doOnNext(state -> withStoreState(ack, state))
                .onErrorResume(failure -> {
                    ack.putNull("lastSeq");
                    ack.put("store", "unavailable");
                    return Mono.empty();
                })
                .then(Mono.defer(() -> {
                    replies.ack(connection, frame, ack);
                    if (since == null) {
                        return Mono.empty();
                    }
                    return resume.replay(connection, room, since, joined.feed());
                }));
    }

    /** The room's last seq and read marks: from its store view while it has one, else from the store. */
    private Mono<StoreView.Snapshot> storeState(String room) {
        Mono<StoreView.Snapshot> read = Mono.zip(store.lastSeq(room), marks.marks(room))
                .map(stored -> new StoreView.Snapshot(stored.getT1(), stored.getT2()))
                .timeout(timeout);
        StoreView view = rooms.storeView(room);
        if (view == null || joinStateMaxAge.isZero()) {
            return read;
        }
        return view.snapshot(() -> read, joinStateMaxAge);
    }

    private static void withStoreState(ObjectNode ack, StoreView.Snapshot state) {
        ack.put("lastSeq", state.lastSeq());
        ObjectNode readMarks = ack.putObject("readMarks");
        state.readMarks().forEach(readMarks::put);
    }

    private void leave(Connection connection, Envelope frame) {
        requireMember(connection, frame.room());
        leaveRoom(connection, frame.room());
        replies.ack(connection, frame, Replies.object().put("room", frame.room()));
    }

    private void leaveRoom(Connection connection, String room) {
        connection.rooms().remove(room);
        Boolean lastOfUser = rooms.leave(room, connection);
        if (lastOfUser != null) {
            events.left(connection, KIND, room, lastOfUser);
        }
        if (Boolean.TRUE.equals(lastOfUser)) {
            // Announced only when the user has no connection left on any node; immediate on a single node.
            presence.left(KIND, room, connection.userId()).filter(Boolean::booleanValue).subscribe(gone -> {
                ObjectNode data = Replies.object().put("userId", connection.userId());
                rooms.publish(room, Delivery.toAll(
                        replies.encode(Envelope.event(EventType.CHAT_USER_LEFT, room, connection.userId(), data))));
            });
        }
    }

    private void typing(Connection connection, Envelope frame) {
        requireMember(connection, frame.room());
        rooms.publish(frame.room(), Delivery.toOthersThan(
                replies.encodeEphemeral(Envelope.event(frame.type(), frame.room(), connection.userId(), frame.data())),
                connection.userId()));
        replies.ackIfAsked(connection, frame);
    }

    private static void requireMember(Connection connection, String room) {
        if (!connection.rooms().contains(room)) {
            throw new ProtocolException(ErrorCode.NOT_IN_ROOM,
                    "join room \"" + room + "\" with chat:join_room first");
        }
    }

    private static Mono<Void> run(Runnable action) {
        action.run();
        return Mono.empty();
    }

    @Override
    public void disconnected(Connection connection) {
        for (String room : connection.rooms()) {
            leaveRoom(connection, room);
        }
    }

    @Override
    public List<String> revoke(Connection connection, Predicate<String> stillAllowed) {
        List<String> lost = new ArrayList<>();
        for (String room : List.copyOf(connection.rooms())) {
            if (!stillAllowed.test(room)) {
                leaveRoom(connection, room);
                lost.add(room);
            }
        }
        return lost;
    }
}
