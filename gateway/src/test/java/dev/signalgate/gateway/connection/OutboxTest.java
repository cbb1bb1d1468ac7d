package dev.signalgate.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscription;

import reactor.core.publisher.BaseSubscriber;

/** The outbox's bounds by frames and by bytes, and the high and low water marks its inbound side waits on. */
class OutboxTest {

    @Test
    void essentialFramesPastTheByteBoundOverflowEvenWellUnderTheFrameBound() {
        Outbox outbox = new Outbox(1024, 256, 10_000);
        for (int i = 0; i < 9; i++) {
            assertThat(outbox.offer(essential(1_000))).isEqualTo(Outbox.Offer.QUEUED);
        }
        assertThat(outbox.sizeInBytes()).isEqualTo(9_000);
        assertThat(outbox.offer(essential(1_000))).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(outbox.offer(essential(1))).isEqualTo(Outbox.Offer.OVERFLOW);
        assertThat(outbox.isClosed()).isTrue();
        assertThat(outbox.offer(essential(1))).isEqualTo(Outbox.Offer.CLOSED);
        assertThat(outbox.size()).isEqualTo(10);
    }

    @Test
    void ephemeralFramesThatWouldPassTheByteBoundAreDroppedWithoutClosing() {
        Outbox outbox = new Outbox(1024, 256, 10_000);
        outbox.offer(essential(9_500));
        assertThat(outbox.offer(Frame.ephemeral("chat:typing", new byte[600]))).isEqualTo(Outbox.Offer.DROPPED_EPHEMERAL);
        assertThat(outbox.isClosed()).isFalse();
        assertThat(outbox.offer(essential(500))).isEqualTo(Outbox.Offer.QUEUED);
    }

    @Test
    void aLoneFrameLargerThanTheByteBoundStillFitsAnEmptyOutbox() {
        Outbox outbox = new Outbox(1024, 256, 1_000);
        assertThat(outbox.offer(essential(5_000))).isEqualTo(Outbox.Offer.QUEUED);
        assertThat(outbox.offer(essential(1))).isEqualTo(Outbox.Offer.OVERFLOW);
    }

    @Test
    void framesTakenByTheSocketNoLongerCountAgainstEitherBound() {
        Outbox outbox = new Outbox(4, 4, 10_000);
        for (int i = 0; i < 4; i++) {
            outbox.offer(essential(2_500));
        }
        Socket socket = Socket.of(outbox);
        socket.take(4);
        assertThat(outbox.size()).isZero();
        assertThat(outbox.sizeInBytes()).isZero();
        assertThat(outbox.offer(essential(9_000))).isEqualTo(Outbox.Offer.QUEUED);
        socket.dispose();
    }

    @Test
    void roomToReplyWaitsAboveHalfOfTheBytesUntilTheSocketDrainedToAQuarter() {
        Outbox outbox = new Outbox(1024, 256, 10_000);
        for (int i = 0; i < 5; i++) {
            outbox.offer(essential(1_000));
        }
        assertThat(outbox.roomToReply().toFuture()).as("at half").isDone();
        outbox.offer(essential(1_000));

        CompletableFuture<Void> room = outbox.roomToReply().toFuture();
        assertThat(room).as("above half").isNotDone();
        Socket socket = Socket.of(outbox);
        socket.take(3);
        assertThat(room).as("at 3,000 bytes, above a quarter").isNotDone();
        socket.take(1);
        assertThat(room).as("at 2,000 bytes").isDone();
        socket.dispose();
    }

    @Test
    void roomToReplyWaitsAboveHalfOfTheFramesUntilTheSocketDrainedToAQuarter() {
        Outbox outbox = new Outbox(16, 16, Long.MAX_VALUE);
        for (int i = 0; i < 9; i++) {
            outbox.offer(essential(10));
        }
        CompletableFuture<Void> room = outbox.roomToReply().toFuture();
        CompletableFuture<Void> replay = outbox.awaitBelow(6).toFuture();
        assertThat(room).isNotDone();
        Socket socket = Socket.of(outbox);
        socket.take(3);
        assertThat(replay).as("a second waiter, at its own level").isDone();
        assertThat(room).as("at 6 frames").isNotDone();
        socket.take(2);
        assertThat(room).as("at 4 frames").isDone();
        socket.dispose();
    }

    @Test
    void roomToReplyCompletesWhenTheOutboxCloses() {
        Outbox outbox = new Outbox(4, 4, Long.MAX_VALUE);
        for (int i = 0; i < 4; i++) {
            outbox.offer(essential(10));
        }
        CompletableFuture<Void> room = outbox.roomToReply().toFuture();
        assertThat(room).isNotDone();
        outbox.complete();
        assertThat(room).isDone();
    }

    /** The socket's side, taking frames only when told to, on the test's thread. */
    private static final class Socket extends BaseSubscriber<Frame> {

        static Socket of(Outbox outbox) {
            Socket socket = new Socket();
            outbox.frames().subscribe(socket);
            return socket;
        }

        @Override
        protected void hookOnSubscribe(Subscription subscription) {
            // Demand only through take.
        }

        void take(int frames) {
            request(frames);
        }
    }

    private static Frame essential(int bytes) {
        return Frame.essential("chat:confirmed", new byte[bytes]);
    }
}
