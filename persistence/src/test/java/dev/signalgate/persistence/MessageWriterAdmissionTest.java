package dev.signalgate.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** The writer's admission policy (queue-age shedding, adaptive batch limit) against a scripted store. */
class MessageWriterAdmissionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final ScriptedStore store = new ScriptedStore();
    private final Counts counts = new Counts();
    private MessageWriter writer;

    @AfterEach
    void drainWriter() {
        if (writer != null) {
            StepVerifier.create(writer.drain(Duration.ofSeconds(1))).expectComplete().verify(TIMEOUT);
        }
    }

    private MessageWriter writer(WriterSettings settings) {
        writer = new MessageWriter(store, settings);
        writer.setBatchListener(counts);
        return writer;
    }

    private static NewMessage chat(String tempId) {
        return NewMessage.chat("room:a", "alice", tempId, "hi", null, Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void submissionQueuedBehindAHangingWriteIsShedUnwrittenAndTheWriterMovesOn() {
        store.script(ScriptedStore.hangOnCall(0));
        writer(WriterSettings.defaults().withMaxBatch(1).withMaxDelay(Duration.ofMillis(5))
                .withWriteTimeout(Duration.ofSeconds(2)).withMaxQueueAge(Duration.ofMillis(300)));
        var hanging = writer.submit(chat("t1")).cache();
        hanging.subscribe(stored -> { }, error -> { });

        StepVerifier.create(writer.submit(chat("t2")))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("tempId 't2'").hasMessageContaining("was not written"))
                .verify(TIMEOUT);
        StepVerifier.create(hanging)
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("outcome unknown"))
                .verify(TIMEOUT);
        StepVerifier.create(writer.submit(chat("t3")))
                .assertNext(stored -> assertThat(stored.tempId()).isEqualTo("t3"))
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(store.batches()).flatExtracting(batch -> batch.stream().map(NewMessage::tempId).toList())
                .containsExactly("t1", "t3");
        assertThat(counts.shed).hasValue(1);
        assertThat(counts.timedOut).hasValue(1);
        assertThat(writer.pendingCount()).isZero();
    }

    @Test
    void aFailedWriteDropsTheBatchLimitToTheFloorAndEachWriteDoublesItBack() {
        store.script(ScriptedStore.failOnCall(0, new IllegalStateException("connection reset")));
        writer(WriterSettings.defaults().withMaxBatch(64).withMaxDelay(Duration.ofMillis(20)));
        assertThat(writer.batchLimit()).isEqualTo(64);

        StepVerifier.create(writer.submit(chat("lost"))).expectError(StoreUnavailableException.class).verify(TIMEOUT);
        assertThat(writer.batchLimit()).isEqualTo(4);

        StepVerifier.create(Flux.range(0, 2_000).flatMap(i -> writer.submit(chat("t" + i)), 2_000))
                .expectNextCount(2_000)
                .expectComplete()
                .verify(TIMEOUT);

        List<Integer> sizes = store.batches().stream().skip(1).map(List::size).toList();
        assertThat(sizes.subList(0, 4)).as("probes after the failure").containsExactly(4, 8, 16, 32);
        assertThat(sizes).allSatisfy(size -> assertThat(size).isLessThanOrEqualTo(64));
        assertThat(writer.batchLimit()).isEqualTo(64);
        assertThat(sizes).contains(64);
    }

    @Test
    void aSlowWriteDoesNotShrinkTheBatchLimit() {
        store.script((call, answer) -> call == 0 ? answer.delaySubscription(Duration.ofMillis(300)) : answer);
        writer(WriterSettings.defaults().withMaxBatch(64));

        StepVerifier.create(writer.submit(chat("slow"))).expectNextCount(1).expectComplete().verify(TIMEOUT);

        assertThat(writer.batchLimit()).as("full batches are the cheapest when the store is merely slow")
                .isEqualTo(64);
    }

    @Test
    void theQueueAgeBoundDefaultsToHalfTheWriteTimeoutAndMustBeShorterThanIt() {
        WriterSettings settings = WriterSettings.defaults().withWriteTimeout(Duration.ofSeconds(4));
        assertThat(settings.queueAgeLimit()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.withMaxQueueAge(Duration.ofSeconds(1)).queueAgeLimit()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> settings.withMaxQueueAge(Duration.ofSeconds(4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than writeTimeout");
    }

    private static final class Counts implements MessageWriter.BatchListener {
        final AtomicInteger shed = new AtomicInteger();
        final AtomicInteger timedOut = new AtomicInteger();

        @Override
        public void shed(int count) {
            shed.addAndGet(count);
        }

        @Override
        public void timedOut(int count) {
            timedOut.addAndGet(count);
        }
    }
}
