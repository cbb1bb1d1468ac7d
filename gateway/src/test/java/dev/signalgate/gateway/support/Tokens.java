package dev.signalgate.gateway.support;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import dev.signalgate.gateway.auth.TokenMinter;

/** Tokens signed with the test secret. */
public final class Tokens {

    public static final String SECRET = "test-secret-that-is-long-enough-for-hs256-0123456789";
    private static final TokenMinter MINTER = new TokenMinter(SECRET.getBytes(StandardCharsets.UTF_8), null, null);

    private Tokens() {
    }

    /** A token for {@code user} that may join any room. */
    public static String forUser(String user) {
        return MINTER.mint(user, null, null, List.of("*"), Duration.ofHours(1));
    }

    public static String forUser(String user, String role, List<String> rooms) {
        return MINTER.mint(user, null, role, rooms, Duration.ofHours(1));
    }
}
