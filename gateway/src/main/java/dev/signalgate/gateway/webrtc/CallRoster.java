package dev.signalgate.gateway.webrtc;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import dev.signalgate.gateway.auth.RoomAuthorization;
import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.observability.GatewayEvents;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.room.JoinResult;
import dev.signalgate.gateway.room.Presence;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.EventType;
import dev.signalgate.protocol.ProtocolException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import tools.jackson.databind.node.ObjectNode;

/**
 * Who holds a place in each call of this node, and the rules that move users between the three places a user
 * can be: <em>present</em> (a connection in the call's room of the {@link Hub}, reachable by signals),
 * <em>reconnecting</em> (its last connection dropped; its seat is kept for the reconnect grace) and
 * <em>waiting</em> (asked to join a call with a waiting room; not in the call until an admitter lets it in).
 *
 * <p>Capacity counts present and reconnecting users, so a dropped patient's place is not given away while it
 * reconnects; waiting users take no place until admitted, and admission is refused with {@code room_full} when
 * the call is full.
 *
 * <p>Locking: every change to a call (its room in the hub and its {@link CallState}) and the frames announcing
 * it happen under that call's lock ({@link CallStates}). So the seat count is atomic
 * with the join, and joins, leaves, drops, grace ends and admissions of one call reach everyone in one order
 * ({@code peer_left} can never overtake the {@code peer_joined} of the same user coming back). Nothing done under
 * the lock waits: hub operations are in-memory and frames are only queued into outboxes.
 */
final class CallRoster {

    static final String KIND = "call";

    private final Hub calls;
    private final Replies replies;
    private final GatewayEvents events;
    private final int capacity;
    private final Duration reconnectGrace;
    /**
     * Connections that joined with {@code "resumable": true}: only they keep their seat through the reconnect
     * grace when their socket drops. A client that did not ask (one that follows the base contract, where closing
     * the socket leaves the call) leaves at once and its peers get {@code peer_left}.
     */
    private final Set<Connection> resumable = ConcurrentHashMap.newKeySet();
    private final AdmissionPolicy admission;
    private final IceServers iceServers;
    private final IceRefresh refresh;
    private final Scheduler scheduler;
    private final Presence presence;
    private final CallStates states = new CallStates();
    private final Map<Connection, Set<String>> waitingRooms = new ConcurrentHashMap<>();
    private final CallStateAnnouncer announcer;

    /**
     * @param capacity users a call holds, present and reconnecting together
     * @param reconnectGrace how long a dropped peer keeps its seat; zero for none
     * @param scheduler runs the grace timers and the credential refreshes
     */
    CallRoster(Hub calls, Replies replies, GatewayEvents events, int capacity, Duration reconnectGrace,
            AdmissionPolicy admission, IceServers iceServers, Scheduler scheduler, Presence presence,
            CallStateAnnouncer announcer) {
        this.announcer = announcer;
        this.presence = presence;
        this.calls = calls;
        this.replies = replies;
        this.events = events;
        this.capacity = capacity;
        this.reconnectGrace = reconnectGrace;
        this.admission = admission;
        this.iceServers = iceServers;
        this.refresh = new IceRefresh(iceServers, replies, scheduler);
        this.scheduler = scheduler;
    }

    // ---- joining and leaving ----

    /**
     * {@code webrtc:join_room}: resumes a reconnecting user, puts a user who needs admission in the waiting room,
     * or joins the call if a seat is free.
     */
    void join(Connection connection, Envelope frame) {
        join(connection, frame, List.of());
    }

    /**
     * {@code webrtc:join_room} in cluster mode: {@code remotePeers} are the users in the call on other nodes, whose
     * seats {@link Presence} already counted; they are listed in the ack and told of the newcomer.
     */
    void join(Connection connection, Envelope frame, List<String> remotePeers) {
        String room = frame.room();
        RoomAuthorization.requireAccess(connection.principal(), room);
        if (frame.data().path("resumable").asBoolean(false)) {
            resumable.add(connection);
        }
        states.update(room, call -> {
            String user = connection.userId();
            if (call.isWaiting(connection)) {
                replies.ack(connection, frame, waitingAck(room));
                return;
            }
            boolean placed = calls.hasUser(room, user) || call.isReconnecting(user);
            if (!placed) {
                if (admission.mustWait(room, connection.principal())) {
                    startWaiting(call, connection, frame, room);
                    return;
                }
                requireSeat(call, room, user);
            }
            replies.ack(connection, frame, enter(call, connection, room, remotePeers));
            if (admission.admitsIn(room, connection.principal())) {
                for (CallState.Waiting waiting : call.waitingUsers()) {
                    connection.send(admissionRequested(room, waiting.principal()));
                }
            }
        });
    }

    /** {@code webrtc:leave_room}: hangs up (the peers get {@code peer_left} at once) or stops waiting. */
    void leave(Connection connection, Envelope frame) {
        String room = frame.room();
        states.update(room, call -> {
            if (call.isWaiting(connection)) {
                stopWaiting(call, connection, room, "left");
            } else {
                requireInCall(connection, room);
                leaveCall(call, connection, room, false);
            }
            replies.ack(connection, frame, Replies.object().put("room", room));
        });
    }

    /** The socket is gone: waiting requests end, and calls keep the user's seat for the reconnect grace. */
    void disconnected(Connection connection) {
        Set<String> waitingIn = waitingRooms.remove(connection);
        if (waitingIn != null) {
            for (String room : waitingIn) {
                states.update(room, call -> {
                    if (call.isWaiting(connection)) {
                        stopWaiting(call, connection, room, "left");
                    }
                });
            }
        }
        for (String room : List.copyOf(connection.calls())) {
            states.update(room, call -> leaveCall(call, connection, room, true));
        }
        resumable.remove(connection);
        refresh.stopAll(connection);
    }

    /**
     * Hangs up every call the connection may no longer be in, as {@code webrtc:leave_room} would (no reconnect
     * grace: access is gone), and ends its waiting in such rooms. Answers the rooms left.
     */
    List<String> revoke(Connection connection, Predicate<String> stillAllowed) {
        Set<String> lost = new LinkedHashSet<>();
        Set<String> waitingIn = waitingRooms.get(connection);
        if (waitingIn != null) {
            for (String room : List.copyOf(waitingIn)) {
                if (!stillAllowed.test(room)) {
                    states.update(room, call -> {
                        if (call.isWaiting(connection)) {
                            stopWaiting(call, connection, room, "left");
                        }
                    });
                    lost.add(room);
                }
            }
        }
        for (String room : List.copyOf(connection.calls())) {
            if (!stillAllowed.test(room)) {
                states.update(room, call -> leaveCall(call, connection, room, false));
                lost.add(room);
            }
        }
        return List.copyOf(lost);
    }

    /** Whether {@code user} holds a seat in the call of {@code room} while reconnecting. */
    boolean isReconnecting(String room, String user) {
        return states.read(room, call -> call.isReconnecting(user));
    }

    /** Running credential refreshes, for tests. */
    int runningRefreshes() {
        return refresh.running();
    }

    /**
     * Puts the connection in the call and announces it: {@code peer_resumed} to the others when its user was
     * reconnecting, {@code peer_joined} when it is the user's first connection, nothing for another device.
     * Answers the data of the join ack (or of {@code webrtc:admitted}).
     */
    private ObjectNode enter(CallState call, Connection connection, String room, List<String> remotePeers) {
        String user = connection.userId();
        JoinResult joined = calls.join(room, connection);
        if (!joined.joined()) {
            throw roomFull(room, joined.userIds().size());
        }
        boolean resumed = joined.firstOfUser() && call.resume(user);
        connection.calls().add(room);
        if (admission.admitsIn(room, connection.principal())) {
            call.addAdmitter(connection);
        }
        if (joined.status() == JoinResult.Status.JOINED) {
            events.joined(connection, KIND, room, joined.firstOfUser());
        }
        if (joined.firstOfUser()) {
            EventType announcement = resumed ? EventType.WEBRTC_PEER_RESUMED : EventType.WEBRTC_PEER_JOINED;
            Set<String> everyone = new LinkedHashSet<>(joined.userIds());
            everyone.addAll(remotePeers);
            for (String peer : everyone) {
                if (!peer.equals(user)) {
                    ObjectNode data = Replies.object().put("role", NegotiationRole.of(peer, user));
                    calls.publish(room, Delivery.toUser(replies.encode(Envelope.event(announcement, room, user, data)),
                            peer, connection));
                }
            }
        }
        if (joined.firstOfUser() && !resumed) {
            announcer.changed(room, usersHeld(call, room));
        }
        refresh.start(connection, room);
        ObjectNode data = callData(call, room, user, remotePeers);
        if (resumed) {
            data.put("resumed", true);
        }
        return data;
    }

    /** {@code {"room","peers","roles","reconnecting"?,"iceServers"?}} as seen by {@code user}. */
    private ObjectNode callData(CallState call, String room, String user, List<String> remotePeers) {
        ObjectNode data = Replies.object().put("room", room);
        var peers = data.putArray("peers");
        ObjectNode roles = data.putObject("roles");
        Set<String> everyone = new LinkedHashSet<>(calls.userIds(room));
        everyone.addAll(remotePeers);
        for (String peer : everyone) {
            if (!peer.equals(user)) {
                peers.add(peer);
                roles.put(peer, NegotiationRole.of(user, peer));
            }
        }
        List<String> away = call.reconnectingUsers();
        away.remove(user);
        if (!away.isEmpty()) {
            var reconnecting = data.putArray("reconnecting");
            for (String peer : away) {
                reconnecting.add(peer);
                roles.put(peer, NegotiationRole.of(user, peer));
            }
        }
        if (iceServers.configured()) {
            data.set("iceServers", iceServers.forUser(user));
        }
        return data;
    }

    private void leaveCall(CallState call, Connection connection, String room, boolean dropped) {
        connection.calls().remove(room);
        call.removeAdmitter(connection);
        refresh.stop(connection, room);
        Boolean lastOfUser = calls.leave(room, connection);
        if (lastOfUser == null) {
            return;
        }
        events.left(connection, KIND, room, lastOfUser);
        if (!lastOfUser) {
            return;
        }
        String user = connection.userId();
        if (dropped && resumable.contains(connection) && !reconnectGrace.isZero() && !reconnectGrace.isNegative()) {
            CallState.Seat seat = new CallState.Seat();
            call.keepSeat(user, seat);
            seat.timer(Mono.delay(reconnectGrace, scheduler).subscribe(tick -> graceEnded(room, user, seat)));
            publish(room, EventType.WEBRTC_PEER_RECONNECTING, user);
        } else {
            peerLeft(room, user);
        }
    }

    private void graceEnded(String room, String user, CallState.Seat seat) {
        states.update(room, call -> {
            if (call.expire(user, seat)) {
                peerLeft(room, user);
            }
        });
    }

    /** The user's seat is free: {@code peer_left}, once the user is gone from every node (at once on one node). */
    private void peerLeft(String room, String user) {
        presence.left(KIND, room, user).filter(Boolean::booleanValue).subscribe(gone -> {
            publish(room, EventType.WEBRTC_PEER_LEFT, user);
            callStateChanged(room);
        });
    }

    /** Tells the room's chat members who is in the call now (also after another node died with its peers). */
    void callStateChanged(String room) {
        announcer.changed(room, states.read(room, call -> usersHeld(call, room)));
    }

    /** {@code webrtc:call_state} data of the room's call: its users on any node. */
    Mono<ObjectNode> callState(String room) {
        return announcer.state(room, states.read(room, call -> usersHeld(call, room)));
    }

    /** The users holding a seat in the call on this node: present, then reconnecting. */
    private List<String> usersHeld(CallState call, String room) {
        Set<String> users = new LinkedHashSet<>(calls.userIds(room));
        users.addAll(call.reconnectingUsers());
        return List.copyOf(users);
    }

    private void publish(String room, EventType type, String user) {
        calls.publish(room, Delivery.toAll(replies.encode(Envelope.event(type, room, user, Replies.object()))));
    }

    /** Refuses with {@code room_full} unless a seat is free for {@code user}, counting kept seats. */
    private void requireSeat(CallState call, String room, String user) {
        Set<String> taken = new LinkedHashSet<>(calls.userIds(room));
        taken.addAll(call.reconnectingUsers());
        taken.remove(user);
        if (taken.size() >= capacity) {
            throw roomFull(room, taken.size());
        }
    }

    private static ProtocolException roomFull(String room, int participants) {
        return new ProtocolException(ErrorCode.ROOM_FULL,
                "the call in room \"" + room + "\" already has " + participants + " participants");
    }

    static void requireInCall(Connection connection, String room) {
        if (!connection.calls().contains(room)) {
            throw new ProtocolException(ErrorCode.NOT_IN_ROOM,
                    "join the call of room \"" + room + "\" with webrtc:join_room first");
        }
    }

    // ---- the waiting room ----

    /** {@code webrtc:admit}: the waiting user's connections enter the call, exactly as if they had joined. */
    void admit(Connection admitter, Envelope frame, String user) {
        String room = frame.room();
        states.update(room, call -> {
            requireAdmitter(admitter, room, frame.type());
            CallState.Waiting waiting = requireWaiting(call, room, user);
            requireSeat(call, room, user);
            call.takeWaiting(user);
            // Every check passed: answer first, so the admitter sees its ack before the newcomer's peer_joined.
            replies.ack(admitter, frame, Replies.object().put("room", room).put("userId", user));
            for (Connection connection : waiting.connections()) {
                forgetWaiting(connection, room);
                ObjectNode data = enter(call, connection, room, List.of());
                connection.send(replies.encode(
                        Envelope.event(EventType.WEBRTC_ADMITTED, room, admitter.userId(), data)));
            }
            tellAdmitters(call, admissionCancelled(room, user, "admitted"), admitter);
        });
    }

    /** {@code webrtc:decline}: the waiting user is turned away ({@code webrtc:declined}); it may ask again. */
    void decline(Connection admitter, Envelope frame, String user) {
        String room = frame.room();
        states.update(room, call -> {
            requireAdmitter(admitter, room, frame.type());
            CallState.Waiting waiting = requireWaiting(call, room, user);
            call.takeWaiting(user);
            Frame declined = replies.encode(
                    Envelope.event(EventType.WEBRTC_DECLINED, room, admitter.userId(), Replies.object()));
            for (Connection connection : waiting.connections()) {
                forgetWaiting(connection, room);
                connection.send(declined);
            }
            replies.ack(admitter, frame, Replies.object().put("room", room).put("userId", user));
            tellAdmitters(call, admissionCancelled(room, user, "declined"), admitter);
        });
    }

    private void startWaiting(CallState call, Connection connection, Envelope frame, String room) {
        boolean firstOfUser = call.addWaiting(connection);
        waitingRooms.computeIfAbsent(connection, c -> ConcurrentHashMap.newKeySet()).add(room);
        replies.ack(connection, frame, waitingAck(room));
        connection.send(replies.encode(Envelope.event(EventType.WEBRTC_WAITING, room, null, Replies.object())));
        if (firstOfUser) {
            tellAdmitters(call, admissionRequested(room, connection.principal()), null);
        }
    }

    private void stopWaiting(CallState call, Connection connection, String room, String reason) {
        boolean userGone = call.removeWaiting(connection);
        forgetWaiting(connection, room);
        if (userGone) {
            tellAdmitters(call, admissionCancelled(room, connection.userId(), reason), null);
        }
    }

    private void forgetWaiting(Connection connection, String room) {
        waitingRooms.computeIfPresent(connection, (c, rooms) -> {
            rooms.remove(room);
            return rooms.isEmpty() ? null : rooms;
        });
    }

    private void requireAdmitter(Connection connection, String room, String type) {
        if (!admission.admits(connection.principal())) {
            throw new ProtocolException(ErrorCode.FORBIDDEN,
                    type + " needs a token role among " + admission.admittingRoles() + ", this token's role is "
                            + (connection.principal().role() == null ? "unset" : connection.principal().role()));
        }
        requireInCall(connection, room);
    }

    private static CallState.Waiting requireWaiting(CallState call, String room, String user) {
        CallState.Waiting waiting = call.waiting(user);
        if (waiting == null) {
            throw new ProtocolException(ErrorCode.PEER_NOT_FOUND,
                    "user \"" + user + "\" is not waiting to join the call of room \"" + room + "\"");
        }
        return waiting;
    }

    private static ObjectNode waitingAck(String room) {
        return Replies.object().put("room", room).put("status", "waiting");
    }

    private Frame admissionRequested(String room, UserPrincipal waiting) {
        ObjectNode data = Replies.object().put("userId", waiting.userId());
        if (waiting.name() != null) {
            data.put("name", waiting.name());
        }
        if (waiting.role() != null) {
            data.put("role", waiting.role());
        }
        return replies.encode(Envelope.event(EventType.WEBRTC_ADMISSION_REQUESTED, room, waiting.userId(), data));
    }

    private Frame admissionCancelled(String room, String user, String reason) {
        ObjectNode data = Replies.object().put("userId", user).put("reason", reason);
        return replies.encode(Envelope.event(EventType.WEBRTC_ADMISSION_CANCELLED, room, user, data));
    }

    /** Sends to every admitter connection in the call but {@code except}. */
    private static void tellAdmitters(CallState call, Frame frame, Connection except) {
        for (Connection admitter : call.admitters()) {
            if (admitter != except) {
                admitter.send(frame);
            }
        }
    }
}
