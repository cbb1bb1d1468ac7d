package dev.signalgate.gateway.webrtc;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.DisconnectListener;
import dev.signalgate.gateway.dispatch.EventHandler;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.dispatch.RoomRevoker;
import dev.signalgate.gateway.observability.GatewayEvents;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.room.Presence;
import dev.signalgate.gateway.auth.RoomAuthorization;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.FrameLimits;
import dev.signalgate.protocol.Namespace;
import dev.signalgate.protocol.Payloads;
import dev.signalgate.protocol.ProtocolException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code webrtc:} namespace: the call of a room, with a capacity counted in users (two for a
 * consultation), and the relay of offers, answers and ICE candidates between its peers. Signals are never
 * stored. Membership (joining, the waiting room, reconnecting peers) is the {@link CallRoster}'s; this class
 * routes frames and relays signals.
 *
 * <p>Negotiation roles for the perfect-negotiation pattern are fixed per pair of users, whatever the join order
 * and across reconnects: toward a peer, a user is {@code polite} when its user id sorts after the peer's. The
 * join ack's {@code roles} and each {@code peer_joined}'s {@code role} tell the receiver its own role toward that
 * peer, so glare resolves the same way on both sides.
 *
 * <p>The join ack carries {@code iceServers} (STUN, and TURN with credentials minted for the user, see
 * {@link IceServers}); peers in a call get fresh ones as {@code webrtc:ice_servers} before they expire.
 *
 * <p>A signal with {@code to} goes to that user's connections in the call ({@code peer_not_found} if it has
 * none, also while that user is reconnecting: no connection could receive it); without {@code to} it goes to
 * every other user in the call, never back to the sender's own devices. Both kinds travel through the call's one
 * sink, so each receiver sees one sender's signals in sending order. {@code data} is relayed untouched, so an
 * end-of-candidates ({@code {"candidate":null}} or an empty candidate string) passes like any candidate.
 */
public final class WebRtcHandler implements EventHandler, DisconnectListener, RoomRevoker {

    private final Hub calls;
    private final Replies replies;
    private final CallRoster roster;
    private final Presence presence;
    private final int capacity;

    /**
     * @param settings capacity, reconnect grace and waiting-room rules
     * @param iceServers what the join ack hands out
     * @param scheduler runs the reconnect grace timers and the credential refreshes ({@code Schedulers.parallel()})
     */
    public WebRtcHandler(Hub calls, Replies replies, GatewayEvents events, GatewayProperties.Call settings,
            IceServers iceServers, Scheduler scheduler) {
        this(calls, replies, events, settings, iceServers, scheduler, Presence.LOCAL, null);
    }

    /**
     * @param presence who is in a call on any node ({@link Presence#LOCAL} for a single node)
     * @param chatRooms where {@code webrtc:call_state} goes: the chat members of the call's room; null for none
     */
    public WebRtcHandler(Hub calls, Replies replies, GatewayEvents events, GatewayProperties.Call settings,
            IceServers iceServers, Scheduler scheduler, Presence presence, Hub chatRooms) {
        this.calls = calls;
        this.presence = presence;
        this.capacity = settings.capacity();
        this.replies = replies;
        Duration grace = settings.reconnectGrace() == null ? Duration.ZERO : settings.reconnectGrace();
        this.roster = new CallRoster(calls, replies, events, settings.capacity(), grace,
                new AdmissionPolicy(settings.admissionRooms(), settings.admittingRoles()), iceServers, scheduler,
                presence, new CallStateAnnouncer(chatRooms, replies, presence));
    }

    /** {@code {"users":[…]}}: who is in the call of {@code room} on any node, for the chat join ack. */
    public Mono<ObjectNode> callState(String room) {
        return roster.callState(room);
    }

    /** The users of the call of {@code room} changed outside a frame (a node died): tells its chat members. */
    public void callStateChanged(String room) {
        roster.callStateChanged(room);
    }

    @Override
    public Namespace namespace() {
        return Namespace.WEBRTC;
    }

    @Override
    public Mono<Void> handle(Connection connection, Envelope frame) {
        if (presence != Presence.LOCAL) {
            switch (frame.eventType()) {
                case WEBRTC_JOIN_ROOM -> {
                    return clusterJoin(connection, frame);
                }
                case WEBRTC_OFFER, WEBRTC_ANSWER, WEBRTC_ICE_CANDIDATE -> {
                    if (frame.to() != null && !calls.hasUser(frame.room(), frame.to())) {
                        return clusterRelay(connection, frame);
                    }
                }
                default -> {
                    // As on a single node.
                }
            }
        }
        switch (frame.eventType()) {
            case WEBRTC_JOIN_ROOM -> roster.join(connection, frame);
            case WEBRTC_LEAVE_ROOM -> roster.leave(connection, frame);
            case WEBRTC_ADMIT -> roster.admit(connection, frame, targetUser(frame));
            case WEBRTC_DECLINE -> roster.decline(connection, frame, targetUser(frame));
            case WEBRTC_OFFER, WEBRTC_ANSWER, WEBRTC_ICE_CANDIDATE -> relay(connection, frame);
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    "type \"" + frame.type() + "\" is not served by this gateway");
        }
        return Mono.empty();
    }

    private static String targetUser(Envelope frame) {
        return Payloads.requiredString(frame.data(), "userId", FrameLimits.MAX_USER_ID_LENGTH);
    }

    private void relay(Connection connection, Envelope frame) {
        String room = frame.room();
        CallRoster.requireInCall(connection, room);
        var signal = replies.encode(Envelope.event(frame.type(), room, connection.userId(), frame.data()));
        String target = frame.to();
        if (target == null) {
            calls.publish(room, Delivery.toOthersThan(signal, connection.userId()));
        } else {
            if (!calls.hasUser(room, target)) {
                throw new ProtocolException(ErrorCode.PEER_NOT_FOUND, roster.isReconnecting(room, target)
                        ? "user \"" + target + "\" is reconnecting to the call of room \"" + room
                                + "\": signal again after webrtc:peer_resumed"
                        : "user \"" + target + "\" is not in the call of room \"" + room + "\"");
            }
            calls.publish(room, Delivery.toUser(signal, target, connection));
        }
        replies.ackIfAsked(connection, frame);
    }

    /**
     * Cluster mode: once this node hears the call's other nodes (so that an offer sent on {@code peer_joined}
     * cannot be missed), a user not yet placed on this node takes a seat cluster-wide first (atomically, in
     * Redis), then joins here as on a single node; a refused or waiting join gives the seat back.
     */
    private Mono<Void> clusterJoin(Connection connection, Envelope frame) {
        RoomAuthorization.requireAccess(connection.principal(), frame.room());
        return calls.afterSubscribing(frame.room(), () -> seatAndJoin(connection, frame));
    }

    private Mono<Void> seatAndJoin(Connection connection, Envelope frame) {
        String room = frame.room();
        String user = connection.userId();
        if (calls.hasUser(room, user) || roster.isReconnecting(room, user)) {
            roster.join(connection, frame);
            return Mono.empty();
        }
        return presence.joined(CallRoster.KIND, room, user, calls.userIds(room), capacity).flatMap(seat -> {
            if (seat.full()) {
                return Mono.error(new ProtocolException(ErrorCode.ROOM_FULL, "the call in room \"" + room
                        + "\" already has " + seat.members().size() + " participants"));
            }
            java.util.List<String> local = calls.userIds(room);
            java.util.List<String> remote = seat.members().stream()
                    .filter(peer -> !peer.equals(user) && !local.contains(peer)).toList();
            try {
                roster.join(connection, frame, remote);
            } catch (RuntimeException refused) {
                presence.left(CallRoster.KIND, room, user).subscribe();
                return Mono.error(refused);
            }
            if (!connection.calls().contains(room) && !calls.hasUser(room, user)) {
                // Waiting for admission: no seat yet.
                presence.left(CallRoster.KIND, room, user).subscribe();
            }
            return Mono.empty();
        });
    }

    /** Cluster mode: a signal to a user not in the call on this node goes out if the user is on another node. */
    private Mono<Void> clusterRelay(Connection connection, Envelope frame) {
        String room = frame.room();
        CallRoster.requireInCall(connection, room);
        String target = frame.to();
        var signal = replies.encode(Envelope.event(frame.type(), room, connection.userId(), frame.data()));
        return presence.isPresent(CallRoster.KIND, room, target).flatMap(present -> {
            if (!present && !calls.hasUser(room, target)) {
                return Mono.error(new ProtocolException(ErrorCode.PEER_NOT_FOUND,
                        "user \"" + target + "\" is not in the call of room \"" + room + "\""));
            }
            calls.publish(room, Delivery.toUser(signal, target, connection));
            replies.ackIfAsked(connection, frame);
            return Mono.empty();
        });
    }

    @Override
    public void disconnected(Connection connection) {
        roster.disconnected(connection);
    }

    @Override
    public List<String> revoke(Connection connection, Predicate<String> stillAllowed) {
        return roster.revoke(connection, stillAllowed);
    }

    /** The roster, for tests in this package. */
    CallRoster roster() {
        return roster;
    }
}
