package dev.signalgate.gateway.webrtc;

/**
 * The perfect-negotiation role of one user toward another: {@code polite} when its id sorts after the peer's,
 * {@code impolite} otherwise. Fixed for the pair, so both sides agree without a round trip and keep the same
 * roles after a reconnect.
 */
final class NegotiationRole {

    static final String POLITE = "polite";
    static final String IMPOLITE = "impolite";

    private NegotiationRole() {
    }

    /** The role of {@code self} toward {@code peer}. */
    static String of(String self, String peer) {
        return self.compareTo(peer) > 0 ? POLITE : IMPOLITE;
    }
}
