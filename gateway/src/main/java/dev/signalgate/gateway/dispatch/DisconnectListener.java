package dev.signalgate.gateway.dispatch;

import dev.signalgate.gateway.connection.Connection;

/** Told when a connection ends, however it ends, so it can leave what it joined and tell the others. */
public interface DisconnectListener {

    void disconnected(Connection connection);
}
