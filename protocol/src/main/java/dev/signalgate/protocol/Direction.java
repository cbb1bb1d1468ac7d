package dev.signalgate.protocol;

/** Who may send an event type. */
public enum Direction {
    /** Only clients send it; the gateway answers or relays it. */
    CLIENT_TO_SERVER,
    /** Only the gateway sends it. */
    SERVER_TO_CLIENT,
    /** Clients send it and the gateway relays the same type to other members. */
    BOTH
}
