package dev.signalgate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.client.ReactorResourceFactory;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.util.concurrent.EventExecutor;

import dev.signalgate.gateway.support.TestClient;
import dev.signalgate.gateway.support.Tokens;

/** {@code gateway.io-threads} decides the event loops that serve the sockets (Boot re-applies the factory's). */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "gateway.jwt.secret=" + Tokens.SECRET,
        "gateway.data-dir=${java.io.tmpdir}/signalgate-test-${random.uuid}",
        "gateway.io-threads=3"})
class IoThreadsTest {

    @LocalServerPort
    int port;

    @Autowired
    ReactorResourceFactory resources;

    @Autowired
    ChannelGroup acceptedChannels;

    @Test
    void socketsAreServedByTheConfiguredNumberOfLoops() {
        EventLoopGroup loops = resources.getLoopResources().onServer(true);
        Set<EventExecutor> configured = new HashSet<>();
        loops.forEach(configured::add);
        assertThat(configured).hasSize(3);

        List<TestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                clients.add(TestClient.connected(port, Tokens.forUser("user-" + i)));
            }
            Set<EventExecutor> serving = new HashSet<>();
            for (Channel channel : acceptedChannels) {
                serving.add(channel.eventLoop());
            }
            assertThat(serving).isNotEmpty().isSubsetOf(configured);
            assertThat(Thread.getAllStackTraces().keySet()).map(Thread::getName)
                    .filteredOn(name -> name.startsWith("gateway-io-")).isNotEmpty();
        } finally {
            clients.forEach(TestClient::close);
        }
    }
}
