package dev.signalgate.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.gateway.room.Delivery;

/** The wrapper a delivery travels in between nodes, and the server-version check for sharded pub/sub. */
class ClusterWireTest {

    @Test
    void aDeliveryCrossesNodesWithItsFrameBytesAndRoutingFieldsIntact() {
        byte[] json = "{\"type\":\"chat:typing\",\"room\":\"r\",\"from\":\"ann\"}".getBytes(StandardCharsets.UTF_8);
        Delivery sent = new Delivery(Frame.ephemeral("chat:typing", json), 42, null, "ann", "bo");
        byte[] wire = new RemoteDelivery("node-1", "chat", "room-é", sent).encode();

        RemoteDelivery received = RemoteDelivery.decode(wire, Map.<String, dev.signalgate.gateway.connection.Connection>of()::get);
        assertThat(received.node()).isEqualTo("node-1");
        assertThat(received.kind()).isEqualTo("chat");
        assertThat(received.room()).isEqualTo("room-é");
        Delivery delivery = received.delivery();
        assertThat(delivery.frame().json()).isEqualTo(json);
        assertThat(delivery.frame().type()).isEqualTo("chat:typing");
        assertThat(delivery.frame().ephemeral()).isTrue();
        assertThat(delivery.seq()).isEqualTo(42);
        assertThat(delivery.exceptConnection()).isNull();
        assertThat(delivery.exceptUser()).isEqualTo("ann");
        assertThat(delivery.onlyUser()).isEqualTo("bo");
    }

    @Test
    void aReadMarkTravelsWithItsChatSeenAndAMessageWithoutOneReadsAsBefore() {
        byte[] json = "{\"type\":\"chat:seen\",\"room\":\"r\",\"from\":\"ann\",\"data\":{\"seq\":7}}"
                .getBytes(StandardCharsets.UTF_8);
        Delivery seen = Delivery.readMark(Frame.essential("chat:seen", json), "ann", 7);
        Delivery received = RemoteDelivery.decode(new RemoteDelivery("node-1", "chat", "r", seen).encode(),
                id -> null).delivery();
        assertThat(received.readMark()).isEqualTo(new Delivery.ReadMark("ann", 7));
        assertThat(received.seq()).isZero();

        // What a node of the previous version sends: the same bytes, ending with the frame.
        Delivery plain = Delivery.toAll(Frame.essential("chat:seen", json));
        assertThat(RemoteDelivery.decode(new RemoteDelivery("node-0", "chat", "r", plain).encode(), id -> null)
                .delivery().readMark()).isNull();
    }

    @Test
    void shardedPubSubIsUsedFromRedisSevenOn() {
        assertThat(ClusterNode.supportsShardedPubSub("# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone"))
                .isTrue();
        assertThat(ClusterNode.supportsShardedPubSub("# Server\r\nredis_version:6.2.6\r\n")).isFalse();
        assertThat(ClusterNode.supportsShardedPubSub("no version here")).isFalse();
    }
}
