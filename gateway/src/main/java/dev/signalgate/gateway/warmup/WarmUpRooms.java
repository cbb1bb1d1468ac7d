package dev.signalgate.gateway.warmup;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The names of the warm-up's synthetic users and rooms: {@value #NAMESPACE} and a random nonce drawn once per
 * process, so that no client's room or user can be taken for the warm-up's, nor the warm-ups of two nodes starting
 * at once for each other's. The audit trail leaves these rooms out.
 */
public final class WarmUpRooms {

    static final String NAMESPACE = "signalgate-warm-up-";

    /** Every synthetic room and user id of this process starts with it. */
    public static final String PREFIX = NAMESPACE + nonce() + "-";

    private WarmUpRooms() {
    }

    private static String nonce() {
        byte[] nonce = new byte[8];
        new SecureRandom().nextBytes(nonce);
        return HexFormat.of().formatHex(nonce);
    }

    /** Whether {@code room} is one of this process's warm-up rooms. */
    public static boolean owns(String room) {
        return room.startsWith(PREFIX);
    }
}
