package dev.signalgate.gateway.support;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.observability.GatewayObserver;
import dev.signalgate.protocol.CloseCode;

/**
 * Records, per user, the code the gateway closed a connection with: for clients that cannot read their close
 * frame (they stopped reading, or keep writing into a closing socket and see a reset). Import
 * {@link Configuration} into a test context to get it as a bean.
 */
public final class CloseCodes implements GatewayObserver {

    private final Map<String, CloseCode> byUser = new ConcurrentHashMap<>();

    @Override
    public void connectionClosed(Connection connection) {
        if (connection.closeCode() != null) {
            byUser.put(connection.userId(), connection.closeCode());
        }
    }

    /** The code the user's last closed connection got, or null if none of theirs was closed with a code. */
    public CloseCode of(String user) {
        return byUser.get(user);
    }

    /** The code the user's last closed connection got, waiting up to the test timeout for it. */
    public CloseCode awaitFor(String user) {
        long deadline = System.nanoTime() + TestClient.TIMEOUT.toNanos() * 3;
        while (System.nanoTime() < deadline) {
            CloseCode code = byUser.get(user);
            if (code != null) {
                return code;
            }
            Thread.onSpinWait();
        }
        return null;
    }

    @TestConfiguration
    public static class Configuration {

        @Bean
        CloseCodes closeCodes() {
            return new CloseCodes();
        }
    }
}
