package dev.signalgate.protocol;

/**
 * The prefix of an envelope's {@code type}: it picks the handler that owns the event, the way a Phoenix topic
 * prefix picks a channel. Adding an event touches one handler and {@link EventType}, nothing else.
 */
public enum Namespace {
    /** Chat rooms: messages, presence, typing, read marks, history. */
    CHAT("chat"),
    /** WebRTC call signaling between the peers of a consultation. */
    WEBRTC("webrtc"),
    /** Connection-level control frames ({@code welcome}, {@code ack}, {@code error}, {@code auth:…}). */
    CONTROL("");

    private final String prefix;

    Namespace(String prefix) {
        this.prefix = prefix;
    }

    /** The prefix before the colon, empty for control frames. */
    public String prefix() {
        return prefix;
    }

    /** Whether a type prefix is the gateway's own, so that backends may not publish events under it over HTTP. */
    public static boolean isReserved(String typePrefix) {
        return CHAT.prefix.equals(typePrefix) || WEBRTC.prefix.equals(typePrefix) || "auth".equals(typePrefix);
    }
}
