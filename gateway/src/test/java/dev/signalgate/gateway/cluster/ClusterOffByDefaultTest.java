package dev.signalgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import dev.signalgate.gateway.support.GatewayTest;

/** Without spring.data.redis.url the node is alone: no Redis bean, no Redis in health. */
@GatewayTest
class ClusterOffByDefaultTest {

    @Autowired
    ApplicationContext context;

    @LocalServerPort
    int port;

    @Test
    void aSingleNodeCreatesNoRedisBeanAndItsHealthHasNoRedis() throws Exception {
        assertThat(context.getBeanNamesForType(ClusterNode.class)).isEmpty();
        assertThat(context.getBeanNamesForType(
                org.springframework.data.redis.connection.ReactiveRedisConnectionFactory.class)).isEmpty();
        assertThat(context.getBeanNamesForType(io.lettuce.core.AbstractRedisClient.class)).isEmpty();
        assertThat(context.containsBean("redisHealthIndicator")).isFalse();
        HttpResponse<String> health = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
    }
}
