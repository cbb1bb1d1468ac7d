package dev.signalgate.gateway.dispatch;

import java.util.List;
import java.util.function.Predicate;

import dev.signalgate.gateway.connection.Connection;

/**
 * Takes an open connection out of the rooms it may no longer be in (a narrower token, a backend's removal),
 * exactly as if it had left them itself: the others hear of it when it was the user's last connection there.
 */
public interface RoomRevoker {

    /**
     * Leaves every room of this kind the connection is in (or waits to enter) that {@code stillAllowed} refuses.
     *
     * @return the rooms left, empty when none
     */
    List<String> revoke(Connection connection, Predicate<String> stillAllowed);
}
