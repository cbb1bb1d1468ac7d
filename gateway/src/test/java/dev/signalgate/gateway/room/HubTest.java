package dev.signalgate.gateway.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.auth.RoomAccess;
import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.gateway.connection.Outbox;
import dev.signalgate.gateway.observability.GatewayEvents;

class HubTest {

    @Test
    void roomsWithNoMembersAreReleasedAfterAMillionJoinLeaveCycles() {
        Hub hub = new Hub("chat", Integer.MAX_VALUE, 16);
        Connection member = connection("alice");
        for (int i = 0; i < 1_000_000; i++) {
            String room = "room-" + (i % 1_000);
            hub.join(room, member);
            hub.publish(room, Delivery.toAllBut(frame("x"), member));
            hub.leave(room, member);
        }
        assertThat(hub.roomCount()).isZero();
    }

    @Test
    void capacityCountsUsersSoASecondDeviceStillFits() {
        Hub hub = new Hub("call", 2, 16);
        assertThat(hub.join("c", connection("doctor")).status()).isEqualTo(JoinResult.Status.JOINED);
        assertThat(hub.join("c", connection("patient")).status()).isEqualTo(JoinResult.Status.JOINED);
        assertThat(hub.join("c", connection("doctor")).status()).isEqualTo(JoinResult.Status.JOINED);
        assertThat(hub.join("c", connection("intruder")).status()).isEqualTo(JoinResult.Status.FULL);
    }

    @Test
    void presenceAppearsWithTheFirstConnectionAndGoesWithTheLast() {
        Hub hub = new Hub("chat", Integer.MAX_VALUE, 16);
        Connection tab1 = connection("alice");
        Connection tab2 = connection("alice");
        assertThat(hub.join("r", tab1).firstOfUser()).isTrue();
        assertThat(hub.join("r", tab2).firstOfUser()).isFalse();
        assertThat(hub.leave("r", tab1)).isFalse();
        assertThat(hub.leave("r", tab2)).isTrue();
        assertThat(hub.leave("r", tab2)).isNull();
    }

    @Test
    void concurrentPublishersKeepEachSendersOrderForEveryMember() throws Exception {
        Hub hub = new Hub("chat", Integer.MAX_VALUE, 16);
        int publishers = 4;
        int perPublisher = 20_000;
        List<Connection> members = new ArrayList<>();
        List<List<String>> received = new ArrayList<>();
        for (int m = 0; m < 3; m++) {
            Connection member = connection("member-" + m, 1_000_000);
            List<String> frames = new ArrayList<>();
            member.outbox().frames().subscribe(frame -> frames.add(new String(frame.json(), StandardCharsets.UTF_8)));
            hub.join("busy", member);
            members.add(member);
            received.add(frames);
        }
        ExecutorService pool = Executors.newFixedThreadPool(publishers);
        CountDownLatch start = new CountDownLatch(1);
        for (int p = 0; p < publishers; p++) {
            int publisher = p;
            pool.execute(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perPublisher; i++) {
                    hub.publish("busy", Delivery.toAll(frame(publisher + ":" + i)));
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        for (List<String> frames : received) {
            assertThat(frames).hasSize(publishers * perPublisher);
            int[] next = new int[publishers];
            for (String frame : frames) {
                String[] parts = frame.split(":");
                int publisher = Integer.parseInt(parts[0]);
                assertThat(Integer.parseInt(parts[1])).isEqualTo(next[publisher]++);
            }
        }
    }

    private static Frame frame(String text) {
        return Frame.essential("test", text.getBytes(StandardCharsets.UTF_8));
    }

    private static Connection connection(String user) {
        return connection(user, 16);
    }

    private static Connection connection(String user, int capacity) {
        UserPrincipal principal = new UserPrincipal(user, null, null, RoomAccess.of(List.of("*")),
                Instant.now().plusSeconds(3600));
        Outbox outbox = new Outbox(capacity, 0);
        // Members that nobody reads from would overflow; drain them into nothing unless a test subscribes.
        if (capacity == 16) {
            outbox.frames().subscribe();
        }
        return new Connection(user + "-" + System.nanoTime(), principal, outbox, (connection, code) -> { },
                GatewayEvents.none());
    }

}
