package dev.signalgate.gateway.room;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.Frame;

/**
 * One frame published into a room, with who among the members gets it. Addressed deliveries (a WebRTC signal
 * with {@code to}) travel through the same room sink as broadcasts, so that signals from one sender reach each
 * receiver in the order they were sent, whatever mix of addressed and broadcast frames that is.
 *
 * @param frame the encoded frame, shared by every recipient
 * @param seq the room sequence number of a persisted message ({@code chat:confirmed}), 0 for other frames; a
 *     member that resumed with {@code since} skips those its replay already delivered
 * @param exceptConnection a connection that does not get it (the sender's own), or null
 * @param exceptUser a user none of whose connections get it (for typing and signals), or null
 * @param onlyUser the only user whose connections get it, or null for everyone
 * @param readMark the read mark a {@code chat:seen} announces, which the room's {@link StoreView} follows; null for
 *     other frames
 */
public record Delivery(Frame frame, long seq, Connection exceptConnection, String exceptUser, String onlyUser,
        ReadMark readMark) {

    /** A user's read mark as stored: the seq of the last message of the room the user has seen. */
    public record ReadMark(String userId, long seq) {
    }

    public Delivery(Frame frame, long seq, Connection exceptConnection, String exceptUser, String onlyUser) {
        this(frame, seq, exceptConnection, exceptUser, onlyUser, null);
    }

    /** A stored read mark ({@code chat:seen}), to every member. */
    public static Delivery readMark(Frame frame, String userId, long seq) {
        return new Delivery(frame, 0, null, null, null, new ReadMark(userId, seq));
    }

    /** To every member. */
    public static Delivery toAll(Frame frame) {
        return new Delivery(frame, 0, null, null, null);
    }

    /** A persisted message, to every member. */
    public static Delivery sequenced(Frame frame, long seq) {
        return new Delivery(frame, seq, null, null, null);
    }

    /** To every member but one connection. */
    public static Delivery toAllBut(Frame frame, Connection sender) {
        return new Delivery(frame, 0, sender, null, null);
    }

    /** To every member but one user's connections. */
    public static Delivery toOthersThan(Frame frame, String userId) {
        return new Delivery(frame, 0, null, userId, null);
    }

    /** Only to one user's connections, never back to the sending connection. */
    public static Delivery toUser(Frame frame, String userId, Connection sender) {
        return new Delivery(frame, 0, sender, null, userId);
    }

    /** Whether {@code member} gets this delivery. */
    public boolean isFor(Connection member) {
        if (member == exceptConnection) {
            return false;
        }
        String user = member.userId();
        return (exceptUser == null || !exceptUser.equals(user)) && (onlyUser == null || onlyUser.equals(user));
    }
}
