package dev.signalgate.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The writer's own contract, against a scripted in-memory store (no database). */
class MessageWriterTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final WriterSettings SETTINGS = WriterSettings.defaults().withMaxBatch(10)
            .withMaxDelay(Duration.ofMillis(20)).withWriteTimeout(Duration.ofSeconds(5));

    private final ScriptedStore store = new ScriptedStore();
    private MessageWriter writer;

    @AfterEach
    void drainWriter() {
        if (writer != null) {
            StepVerifier.create(writer.drain(Duration.ofSeconds(1))).expectComplete().verify(TIMEOUT);
        }
    }

    private MessageWriter writer(WriterSettings settings) {
        writer = new MessageWriter(store, settings);
        return writer;
    }

    private static NewMessage chat(String room, String tempId) {
        return NewMessage.chat(room, "alice", tempId, "hi", null, Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void submissionsOfABatchCompleteInInputOrder() {
        writer(SETTINGS.withMaxDelay(Duration.ofSeconds(1)));
        List<String> completed = new CopyOnWriteArrayList<>();

        StepVerifier.create(Flux.range(0, 10).flatMap(i -> writer.submit(chat("room:a", "t" + i))
                        .doOnNext(stored -> completed.add(stored.tempId()))))
                .expectNextCount(10)
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(store.batches()).hasSize(1);
        assertThat(completed).containsExactly("t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9");
    }

    @Test
    void batchesAreWrittenOneAtATimeAndCompleteInSeqOrder() {
        store.script(ScriptedStore.delayEach(Duration.ofMillis(5)));
        writer(SETTINGS);
        List<StoredMessage> completed = new CopyOnWriteArrayList<>();

        StepVerifier.create(Flux.range(0, 95).flatMap(i -> writer.submit(chat(i % 2 == 0 ? "room:a" : "room:b", "t" + i))
                        .doOnNext(completed::add)))
                .expectNextCount(95)
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(store.maxConcurrentWrites()).isEqualTo(1);
        assertThat(store.batches()).allSatisfy(batch -> assertThat(batch).hasSizeLessThanOrEqualTo(10));
        assertThat(completed.stream().filter(m -> m.room().equals("room:a")).map(StoredMessage::seq).toList())
                .isSorted().hasSize(48);
        assertThat(completed.stream().filter(m -> m.room().equals("room:b")).map(StoredMessage::seq).toList())
                .isSorted().hasSize(47);
    }

    @Test
    void inFlightDuplicateSharesTheResultOfOneWrite() {
        writer(SETTINGS.withMaxDelay(Duration.ofMillis(200)));

        StepVerifier.create(Mono.zip(writer.submit(chat("room:a", "t1")), writer.submit(chat("room:a", "t1"))))
                .assertNext(both -> assertThat(both.getT2()).isSameAs(both.getT1()))
                .expectComplete()
                .verify(TIMEOUT);

        assertThat(store.messagesWritten()).isEqualTo(1);
    }

    @Test
    void retryOfARecentlyStoredMessageIsAnsweredFromMemoryWithoutAStoreWrite() {
        writer(SETTINGS);
        StoredMessage first = writer.submit(chat("room:a", "t1")).block(TIMEOUT);

        StepVerifier.create(writer.submit(chat("room:a", "t1"))).expectNext(first).expectComplete().verify(TIMEOUT);

        assertThat(store.batches()).hasSize(1);
    }

    @Test
    void withNothingKeptInMemoryARetryGoesToTheStore() {
        writer(SETTINGS.withRecentlyStored(0));
        StoredMessage first = writer.submit(chat("room:a", "t1")).block(TIMEOUT);

        StepVerifier.create(writer.submit(chat("room:a", "t1"))).expectNext(first).expectComplete().verify(TIMEOUT);

        assertThat(store.batches()).hasSize(2);
    }

    @Test
    void aWriteThatTimedOutIsNotRememberedSoItsRetryAsksTheStore() {
        store.script(ScriptedStore.hangOnCall(0));
        writer(SETTINGS.withWriteTimeout(Duration.ofMillis(300)));
        StepVerifier.create(writer.submit(chat("room:a", "t1"))).expectError(StoreUnavailableException.class)
                .verify(TIMEOUT);

        StepVerifier.create(writer.submit(chat("room:a", "t1")))
                .assertNext(stored -> assertThat(stored.tempId()).isEqualTo("t1"))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(store.batches()).hasSize(2);
    }

    @Test
    void submitIsLazyAndWritesNothingUntilSubscribed() {
        writer(SETTINGS);
        Mono<StoredMessage> neverSubscribed = writer.submit(chat("room:a", "unsent"));

        StepVerifier.create(writer.submit(chat("room:a", "sent")))
                .assertNext(stored -> assertThat(stored.seq()).isEqualTo(1))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(store.batches()).singleElement().satisfies(batch -> assertThat(batch).extracting(NewMessage::tempId)
                .containsExactly("sent"));
        assertThat(neverSubscribed).isNotNull();
    }

    @Test
    void hangingStoreFailsTheSubmissionWithStoreUnavailableAndTheWriterMovesOn() {
        store.script(ScriptedStore.hangOnCall(0));
        writer(SETTINGS.withWriteTimeout(Duration.ofMillis(300)));

        StepVerifier.create(writer.submit(chat("room:a", "t1")))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("tempId 't1'").hasMessageContaining("retry with the same tempId"))
                .verify(TIMEOUT);
        StepVerifier.create(writer.submit(chat("room:a", "t2")))
                .assertNext(stored -> assertThat(stored.tempId()).isEqualTo("t2"))
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(writer.pendingCount()).isZero();
    }

    @Test
    void storeErrorFailsTheBatchWithTheCauseAttachedAndTheWriterKeepsWorking() {
        RuntimeException driverError = new IllegalStateException("connection reset");
        store.script(ScriptedStore.failOnCall(0, driverError));
        writer(SETTINGS);

        StepVerifier.create(writer.submit(chat("room:a", "t1")))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(StoreUnavailableException.class)
                        .hasCause(driverError))
                .verify(TIMEOUT);
        StepVerifier.create(writer.submit(chat("room:a", "t1")))
                .assertNext(stored -> assertThat(stored.seq()).isEqualTo(1))
                .expectComplete()
                .verify(TIMEOUT);
    }

    @Test
    void tooManyPendingSubmissionsAreRefusedAtOnce() {
        store.script((call, answer) -> Flux.never());
        writer(SETTINGS.withMaxPending(2).withWriteTimeout(Duration.ofSeconds(30)));
        writer.submit(chat("room:a", "t1")).subscribe(stored -> { }, error -> { });
        writer.submit(chat("room:a", "t2")).subscribe(stored -> { }, error -> { });

        StepVerifier.create(writer.submit(chat("room:a", "t3")))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("max 2"))
                .verify(Duration.ofSeconds(5));
        // joining a pending submission is not a new one: accepted, still two pending
        StepVerifier.create(writer.submit(chat("room:a", "t1")))
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(100))
                .thenCancel()
                .verify(TIMEOUT);
        assertThat(writer.pendingCount()).isEqualTo(2);
    }

    @Test
    void drainWritesWhatIsQueuedAndThenRefusesSubmissions() {
        store.script(ScriptedStore.delayEach(Duration.ofMillis(10)));
        writer(SETTINGS);
        List<StoredMessage> completed = new CopyOnWriteArrayList<>();
        Flux.range(0, 25).flatMap(i -> writer.submit(chat("room:a", "t" + i))).subscribe(completed::add);

        StepVerifier.create(writer.drain(Duration.ofSeconds(5))).expectComplete().verify(TIMEOUT);

        assertThat(completed).hasSize(25);
        StepVerifier.create(writer.submit(chat("room:a", "late")))
                .expectErrorSatisfies(error -> assertThat(error).isInstanceOf(StoreUnavailableException.class)
                        .hasMessageContaining("closed"))
                .verify(TIMEOUT);
    }

    @Test
    void drainGivesUpAfterTheGracePeriodAndFailsWhatIsLeft() {
        store.script((call, answer) -> Flux.never());
        writer(SETTINGS.withWriteTimeout(Duration.ofSeconds(30)));
        Mono<StoredMessage> stuck = writer.submit(chat("room:a", "t1")).cache();
        stuck.subscribe(stored -> { }, error -> { });

        StepVerifier.create(writer.drain(Duration.ofMillis(200))).expectComplete().verify(TIMEOUT);

        StepVerifier.create(stuck).expectError(StoreUnavailableException.class).verify(TIMEOUT);
        assertThat(writer.pendingCount()).isZero();
    }
}
