package dev.signalgate.protocol;

/**
 * The rule for room ids: 1 to 128 characters of {@code A-Z a-z 0-9 _ . : @ -}. The same rule guards the WebSocket
 * frames, the HTTP publish API and the {@code rooms} claim patterns, so that a room id can be used as a map key,
 * a Redis channel suffix and a log field without escaping.
 */
public final class RoomIds {

    public static final int MAX_LENGTH = 128;

    private RoomIds() {
    }

    /** Whether {@code room} is a valid room id. */
    public static boolean isValid(String room) {
        if (room == null || room.isEmpty() || room.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < room.length(); i++) {
            if (!isRoomChar(room.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code c} may appear in a room id. */
    public static boolean isRoomChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '.' || c == ':' || c == '@' || c == '-';
    }

    /** Explains why {@code room} is not a valid room id; call only when {@link #isValid} is false. */
    public static String explain(String room) {
        if (room == null || room.isEmpty()) {
            return "room: expected 1 to " + MAX_LENGTH + " characters, got an empty string";
        }
        if (room.length() > MAX_LENGTH) {
            return "room: expected at most " + MAX_LENGTH + " characters, got " + room.length();
        }
        for (int i = 0; i < room.length(); i++) {
            char c = room.charAt(i);
            if (!isRoomChar(c)) {
                return "room: expected only A-Z a-z 0-9 _ . : @ -, got " + Payloads.describeChar(c) + " at index "
                        + i;
            }
        }
        return "room: invalid";
    }
}
