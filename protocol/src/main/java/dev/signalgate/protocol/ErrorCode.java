package dev.signalgate.protocol;

/**
 * The error codes an {@code error} frame can carry, as named by the wire contract.
 *
 * <p>Each code names what went wrong from the client's point of view, so that a client can decide what to do
 * without parsing the human-readable message: {@link #RATE_LIMITED} and {@link #UNAVAILABLE} are worth retrying
 * later, the others are not.
 */
public enum ErrorCode {
    /** The frame is not valid JSON, not an object, lacks {@code type}, or one of its fields breaks the rules. */
    BAD_REQUEST("bad_request"),
    /** The {@code type} is well formed but the gateway does not handle it. */
    UNKNOWN_TYPE("unknown_type"),
    /** The token's claims do not allow this action (for example the room is outside the {@code rooms} claim). */
    FORBIDDEN("forbidden"),
    /** The action needs the connection to have joined the room (or the call) first. */
    NOT_IN_ROOM("not_in_room"),
    /** The call is at its capacity. */
    ROOM_FULL("room_full"),
    /** The target user ({@code to}) has no connection in the call. */
    PEER_NOT_FOUND("peer_not_found"),
    /** The connection sends faster than its limit allows. */
    RATE_LIMITED("rate_limited"),
    /** A dependency (the message store) is down or too slow; retry later. */
    UNAVAILABLE("unavailable"),
    /** A bug or an unexpected failure inside the gateway. */
    INTERNAL("internal");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The code as it travels on the wire, for example {@code not_in_room}. */
    public String wireName() {
        return wireName;
    }

    /** Whether the same request may succeed if the client simply retries it later. */
    public boolean retryable() {
        return this == RATE_LIMITED || this == UNAVAILABLE;
    }
}
