package dev.signalgate.gateway.connection;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Connection ids: 96 random bits, base64url, so that ids from different nodes never collide and reveal nothing
 * about how many connections a node has served.
 */
public final class ConnectionIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private ConnectionIds() {
    }

    public static String next() {
        byte[] bytes = new byte[12];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
