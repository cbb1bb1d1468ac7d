package dev.signalgate.gateway.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * The rooms a token may join, from its {@code rooms} claim: exact room ids, prefixes ending in {@code *}
 * ({@code "clinic-7:*"} covers {@code clinic-7:a} and {@code clinic-7:}), or {@code "*"} for any room. No
 * claim, or an empty one, allows no room.
 */
public final class RoomAccess {

    private static final RoomAccess NONE = new RoomAccess(List.of(), List.of(), false);

    private final List<String> exact;
    private final List<String> prefixes;
    private final boolean any;

    private RoomAccess(List<String> exact, List<String> prefixes, boolean any) {
        this.exact = exact;
        this.prefixes = prefixes;
        this.any = any;
    }

    public static RoomAccess none() {
        return NONE;
    }

    /** Parses the claim's patterns. */
    public static RoomAccess of(List<String> patterns) {
        if (patterns == null || patterns.isEmpty()) {
            return NONE;
        }
        List<String> exact = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        boolean any = false;
        for (String pattern : patterns) {
            if (pattern.equals("*")) {
                any = true;
            } else if (pattern.endsWith("*")) {
                prefixes.add(pattern.substring(0, pattern.length() - 1));
            } else {
                exact.add(pattern);
            }
        }
        return new RoomAccess(List.copyOf(exact), List.copyOf(prefixes), any);
    }

    /** Whether the token may join {@code room}. */
    public boolean allows(String room) {
        if (any || exact.contains(room)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (room.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }
}
