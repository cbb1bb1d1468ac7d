package dev.signalgate.gateway.auth;

import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.ProtocolException;

/** Per-room authorization from the token's {@code rooms} claim, written once for chat, calls and the HTTP API. */
public final class RoomAuthorization {

    private RoomAuthorization() {
    }

    /** Refuses with {@code forbidden} unless the principal's {@code rooms} claim covers the room. */
    public static void requireAccess(UserPrincipal principal, String room) {
        if (!principal.rooms().allows(room)) {
            throw new ProtocolException(ErrorCode.FORBIDDEN,
                    "the token's rooms claim does not cover room \"" + room + "\"");
        }
    }
}
