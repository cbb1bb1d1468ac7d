package dev.signalgate.gateway.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import dev.signalgate.gateway.GatewayApplication;
import dev.signalgate.gateway.support.TestRedis;
import dev.signalgate.gateway.support.Tokens;
import dev.signalgate.persistence.embedded.EmbeddedMongo;

/**
 * Several gateway nodes in this JVM (Spring contexts on random ports) sharing one Redis and one embedded store,
 * with a fast heartbeat (1 s, expiry 3 s) so that failures show within a test's patience.
 */
public final class ClusterFixture implements AutoCloseable {

    final TestRedis redis = TestRedis.start();
    final EmbeddedMongo store = EmbeddedMongo.memory().start("127.0.0.1", 0);
    final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

    public ClusterFixture(int count, String... extra) {
        try {
            for (int i = 0; i < count; i++) {
                nodes.add(startNode(extra));
            }
        } catch (RuntimeException failed) {
            close();
            throw failed;
        }
    }

    /** Starts one more node; an {@code extra} argument replaces the default of the same name. */
    ConfigurableApplicationContext startNode(String... extra) {
        Map<String, String> args = new LinkedHashMap<>();
        for (String arg : List.of(
                "--server.port=0",
                "--gateway.jwt.secret=" + Tokens.SECRET,
                "--spring.mongodb.uri=" + store.connectionString("signalgate"),
                "--spring.data.redis.url=" + redis.url(),
                "--gateway.cluster.heartbeat=1s",
                "--gateway.cluster.expiry=3s",
                "--gateway.cluster.timeout=1s",
                "--gateway.limits.rate-per-second=100000",
                "--gateway.limits.rate-burst=100000",
                "--gateway.store.write-timeout=20s",
                "--gateway.outbound.close-timeout=2s")) {
            args.put(arg.substring(0, arg.indexOf('=')), arg);
        }
        for (String arg : extra) {
            int equals = arg.indexOf('=');
            args.put(equals < 0 ? arg : arg.substring(0, equals), arg);
        }
        return new SpringApplicationBuilder(GatewayApplication.class).run(args.values().toArray(String[]::new));
    }

    public int port(int node) {
        return port(nodes.get(node));
    }

    static int port(ConfigurableApplicationContext context) {
        return Integer.parseInt(context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    @Override
    public void close() {
        for (ConfigurableApplicationContext node : nodes) {
            try {
                node.close();
            } catch (RuntimeException ignored) {
                // Best effort.
            }
        }
        store.close();
        redis.close();
    }
}
