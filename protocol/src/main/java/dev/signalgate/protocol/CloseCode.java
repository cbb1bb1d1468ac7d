package dev.signalgate.protocol;

/**
 * Every WebSocket close code the gateway uses, with the policy for clients written once: whether a client
 * should reconnect after it and resume its rooms with {@code since}.
 *
 * <p>Codes 1000 to 1011 are the standard ones of RFC 6455; the 4000 range is the gateway's own.
 */
public enum CloseCode {
    /** The connection ended normally (the client or the gateway chose to close it). */
    NORMAL(1000, "normal", false),
    /** The gateway is shutting down: reconnect, possibly to another node, and resume with {@code since}. */
    GOING_AWAY(1001, "gateway shutting down", true),
    /** Policy violation: the token expired during the session, or an operator disconnected the user. */
    POLICY_VIOLATION(1008, "policy violation", false),
    /** A frame was larger than the frame size limit. */
    TOO_BIG(1009, "frame too large", false),
    /** An internal error ended the connection. */
    INTERNAL_ERROR(1011, "internal error", true),
    /** The client sent frames faster than the rate limit for too long: reconnect, after a longer backoff. */
    RATE_LIMIT_EXCEEDED(4029, "rate limit exceeded", true),
    /** The user already holds the maximum number of connections. */
    TOO_MANY_CONNECTIONS(4009, "too many connections", false),
    /** No frame arrived within the first-frame deadline, or nothing (not even a pong) within the ping timeout. */
    TIMEOUT(4000, "timeout", true),
    /** Slow consumer: the connection's outbound queue overflowed. Reconnect and resume with {@code since}. */
    SLOW_CONSUMER(4008, "slow consumer", true);

    private final int code;
    private final String reason;
    private final boolean reconnect;

    CloseCode(int code, String reason, boolean reconnect) {
        this.code = code;
        this.reason = reason;
        this.reconnect = reconnect;
    }

    /** The numeric close code sent in the close frame. */
    public int code() {
        return code;
    }

    /** The short reason phrase sent in the close frame. */
    public String reason() {
        return reason;
    }

    /** Whether a client should reconnect (with backoff) and resume its rooms after this close. */
    public boolean shouldReconnect() {
        return reconnect;
    }
}
