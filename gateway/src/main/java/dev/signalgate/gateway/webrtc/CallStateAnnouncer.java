package dev.signalgate.gateway.webrtc;

import java.util.List;

import dev.signalgate.gateway.dispatch.Replies;
import dev.signalgate.gateway.room.Delivery;
import dev.signalgate.gateway.room.Hub;
import dev.signalgate.gateway.room.Presence;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.EventType;
import reactor.core.publisher.Mono;
import tools.jackson.databind.node.ObjectNode;

/**
 * Tells a room's chat members who is in its call, so that an app can ring ("Dr. Meyer is calling - Join") without
 * joining the call: {@code webrtc:call_state} {@code {"users":[…]}} goes to the chat room whenever a user enters
 * or finally leaves the call, and the chat join ack carries the same data as {@code "call"}.
 *
 * <p>The users are those holding a seat on any node: present, or reconnecting within the grace (a dropped peer
 * keeps ringing for the others), never those in the waiting room. In cluster mode the list is read from presence
 * after the change was recorded there, and the frame travels to the chat members of every node through the chat
 * hub's broker. Each frame is a full snapshot, so a member that misses one is right again with the next.
 */
final class CallStateAnnouncer {

    private final Hub chatRooms;
    private final Replies replies;
    private final Presence presence;

    /** @param chatRooms the chat rooms to tell; null tells nobody (a call hub used on its own, in tests) */
    CallStateAnnouncer(Hub chatRooms, Replies replies, Presence presence) {
        this.chatRooms = chatRooms;
        this.replies = replies;
        this.presence = presence;
    }

    /** {@code {"users":[…]}}: the users in the call on any node; {@code local} are those this node holds. */
    Mono<ObjectNode> state(String room, List<String> local) {
        return presence.members(CallRoster.KIND, room, local).map(users -> {
            ObjectNode data = Replies.object();
            users.forEach(data.putArray("users")::add);
            return data;
        });
    }

    /** The call's users changed: sends the new state to the room's chat members on every node. */
    void changed(String room, List<String> local) {
        if (chatRooms == null) {
            return;
        }
        state(room, local).subscribe(data -> chatRooms.publish(room, Delivery.toAll(
                replies.encode(Envelope.event(EventType.WEBRTC_CALL_STATE, room, null, data)))));
    }
}
