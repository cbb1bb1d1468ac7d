package dev.signalgate.gateway.webrtc;

import dev.signalgate.gateway.auth.RoomAuthorization;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.dispatch.DisconnectListener;
import dev.signalgate.gateway.dispatch.EventHandler;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.observe.GatewayEvents;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.room.JoinResult;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.Namespace;
import dev.signalgate.protocol.ProtocolException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/**
 * The {@code webrtc:} namespace: the call of a room, with a capacity counted in users (two for a
 * consultation), and the relay of offers, answers and ICE candidates between its peers. Signals are never
 * stored.
 *
 * <p>Negotiation roles for the perfect-negotiation pattern are fixed per pair of users, whatever the join order
 * and across reconnects: toward a peer, a user is {@code polite} when its user id sorts after the peer's. The
 * join ack's {@code roles} and each {@code peer_joined}'s {@code role} tell the receiver its own role toward that
 * peer, so glare resolves the same way on both sides.
 *
 * <p>A signal with {@code to} goes to that user's connections in the call ({@code peer_not_found} if it has
 * none); without {@code to} it goes to every other user in the call, never back to the sender's own devices.
 * Both kinds travel through the call's one sink, so each receiver sees one sender's signals in sending order.
 */
public final class WebRtcHandler implements EventHandler, DisconnectListener {

    static final String KIND = "call";

    private final Hub calls;
    private final Replies replies;
    private final GatewayEvents events;

    public WebRtcHandler(Hub calls, Replies replies, GatewayEvents events) {
        this.calls = calls;
        this.replies = replies;
        this.events = events;
    }

    @Override
    public Namespace namespace() {
        return Namespace.WEBRTC;
    }

    @Override
    public Mono<Void> handle(Connection connection, Envelope frame) {
        switch (frame.eventType()) {
            case WEBRTC_JOIN_ROOM -> join(connection, frame);
            case WEBRTC_LEAVE_ROOM -> leave(connection, frame);
            case WEBRTC_OFFER, WEBRTC_ANSWER, WEBRTC_ICE_CANDIDATE -> relay(connection, frame);
            default -> throw new ProtocolException(ErrorCode.UNKNOWN_TYPE,
                    "type \"" + frame.type() + "\" is not served by this gateway");
        }
        return Mono.empty();
    }

    private void join(Connection connection, Envelope frame) {
        String room = frame.room();
        RoomAuthorization.requireAccess(connection.principal(), room);
        JoinResult joined = calls.join(room, connection);
        if (!joined.joined()) {
            throw new ProtocolException(ErrorCode.ROOM_FULL,
                    "the call in room \"" + room + "\" already has " + joined.userIds().size() + " participants");
        }
        connection.calls().add(room);
        if (joined.status() == JoinResult.Status.JOINED) {
            events.joined(connection, KIND, room, joined.firstOfUser());
        }
        String user = connection.userId();
        if (joined.firstOfUser()) {
            for (String peer : joined.userIds()) {
                if (!peer.equals(user)) {
                    calls.publish(room, Delivery.toUser(replies.encode(Envelope.event(EventType.WEBRTC_PEER_JOINED,
                            room, user, Replies.object().put("role", NegotiationRole.of(peer, user)))), peer,
                            connection));
                }
            }
        }
        ObjectNode ack = Replies.object().put("room", room);
        var peers = ack.putArray("peers");
        ObjectNode roles = ack.putObject("roles");
        joined.userIds().stream().filter(peer -> !peer.equals(user)).forEach(peer -> {
            peers.add(peer);
            roles.put(peer, NegotiationRole.of(user, peer));
        });
        replies.ack(connection, frame, ack);
    }

    private void leave(Connection connection, Envelope frame) {
        requireInCall(connection, frame.room());
        leaveCall(connection, frame.room());
        replies.ack(connection, frame, Replies.object().put("room", frame.room()));
    }

    private void leaveCall(Connection connection, String room) {
        connection.calls().remove(room);
        Boolean lastOfUser = calls.leave(room, connection);
        if (lastOfUser != null) {
            events.left(connection, KIND, room, lastOfUser);
        }
        if (Boolean.TRUE.equals(lastOfUser)) {
            calls.publish(room, Delivery.toAll(replies.encode(
                    Envelope.event(EventType.WEBRTC_PEER_LEFT, room, connection.userId(), Replies.object()))));
        }
    }

    private void relay(Connection connection, Envelope frame) {
        String room = frame.room();
        requireInCall(connection, room);
        var signal = replies.encode(Envelope.event(frame.type(), room, connection.userId(), frame.data()));
        String target = frame.to();
        if (target == null) {
            calls.publish(room, Delivery.toOthersThan(signal, connection.userId()));
        } else {
            if (!calls.hasUser(room, target)) {
                throw new ProtocolException(ErrorCode.PEER_NOT_FOUND,
                        "user \"" + target + "\" is not in the call of room \"" + room + "\"");
            }
            calls.publish(room, Delivery.toUser(signal, target, connection));
        }
        replies.ackIfAsked(connection, frame);
    }

    private static void requireInCall(Connection connection, String room) {
        if (!connection.calls().contains(room)) {
            throw new ProtocolException(ErrorCode.NOT_IN_ROOM,
                    "join the call of room \"" + room + "\" with webrtc:join_room first");
        }
    }

    @Override
    public void disconnected(Connection connection) {
        for (String room : connection.calls()) {
            leaveCall(connection, room);
        }
    }
}
