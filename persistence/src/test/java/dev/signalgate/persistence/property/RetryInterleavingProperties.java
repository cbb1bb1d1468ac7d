package dev.signalgate.persistence.property;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoreUnavailableException;
import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.persistence.WriterSettings;
import dev.signalgate.persistence.embedded.EmbeddedMongo;
import dev.signalgate.persistence.mongo.MongoMessageStore;
import dev.signalgate.persistence.property.FaultyStore.Fault;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import reactor.core.Disposable;

/**
 * The retry contract of the durable chat path, for any interleaving of sends, injected store failures, resends
 * (same {@code tempId}) and client disconnects, driven through the real {@link MessageWriter} and
 * {@link MongoMessageStore} on the real reactive driver against the embedded store:
 * <ul>
 * <li>every attempt whose client is still listening settles exactly once: one stored message or one
 * {@link StoreUnavailableException}, within the write timeout (plus scheduling slack);</li>
 * <li>every confirmation of a {@code tempId} names the same stored message (same {@code msgId} and
 * {@code seq}), whatever failed in between;</li>
 * <li>the store holds at most one message per {@code tempId} at every point, and after a final round of
 * retries with a healthy store exactly one, numbered 1..N without a gap.</li>
 * </ul>
 * Faults that cannot happen on demand on a healthy database (a write that fails before it lands, one that lands
 * and then reports failure, one that answers after the writer gave up) come from {@link FaultyStore}.
 */
class RetryInterleavingProperties {

    static final Duration WRITE_TIMEOUT = Duration.ofMillis(150);
    static final Duration LATE_BY = Duration.ofMillis(250);
    /** Scheduling slack on a busy two-core machine on top of the write timeout. */
    static final Duration SETTLE_SLACK = Duration.ofSeconds(2);
    static final String USER = "alice";
    static final int TEMP_IDS = 4;

    private static EmbeddedMongo mongo;
    private static MongoClient client;
    private static final AtomicInteger scenarios = new AtomicInteger();

    @BeforeContainer
    static void startStore() {
        mongo = EmbeddedMongo.memory().start("127.0.0.1", 0);
        client = MongoClients.create(mongo.connectionString("property"));
    }

    @AfterContainer
    static void stopStore() {
        client.close();
        mongo.stop();
    }

    // ---- the steps a scenario is made of ----

    sealed interface Step permits Send, Resend, Fail, Disconnect, Pause, Settle {
    }

    /** A first attempt of tempId {@code t<n>} (a resend when that tempId was used before). */
    record Send(int tempId) implements Step {
    }

    /** Another attempt of the {@code pick}-th tempId used so far (a send when none was used yet). */
    record Resend(int pick) implements Step {
    }

    /** The next batch write meets this fault. */
    record Fail(Fault fault) implements Step {
    }

    /** The client goes away: it stops listening to every attempt not yet settled. */
    record Disconnect() implements Step {
    }

    /** A short wait, so that batches form differently. */
    record Pause(int millis) implements Step {
    }

    /** Waits until every attempt still listened to has settled. */
    record Settle() implements Step {
    }

    @Provide
    Arbitrary<List<Step>> scenarios() {
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.integers().between(0, TEMP_IDS - 1).map(Send::new)),
                Tuple.of(4, Arbitraries.integers().between(0, 7).map(Resend::new)),
                Tuple.of(3, Arbitraries.of(Fault.class).map(Fail::new)),
                Tuple.of(1, Arbitraries.just(new Disconnect())),
                Tuple.of(2, Arbitraries.integers().between(0, 5).map(Pause::new)),
                Tuple.of(1, Arbitraries.just(new Settle())));
        return step.list().ofMinSize(1).ofMaxSize(16);
    }

    // ---- the property ----

    @Property(tries = 60, shrinking = ShrinkingMode.BOUNDED)
    void eachAttemptSettlesOnceAndEachTempIdIsStoredOnce(@ForAll("scenarios") List<Step> scenario) {
        String room = "prop-" + scenarios.incrementAndGet();
        MongoMessageStore real = new MongoMessageStore(new ReactiveMongoTemplate(client, "property"));
        real.ensureIndexes().block(Duration.ofSeconds(10));
        FaultyStore store = new FaultyStore(real, LATE_BY);
        MessageWriter writer = new MessageWriter(store, WriterSettings.defaults().withWriteTimeout(WRITE_TIMEOUT));
        Client alice = new Client(writer, room);
        try {
            for (Step step : scenario) {
                alice.run(step, store);
            }
            alice.settle();
            alice.assertEveryListenedAttemptSettledOnce();
            alice.assertConfirmationsAgreePerTempId();
            assertAtMostOneStoredPerTempId(real, room);

            // Recovery: a healthy store, and once the writer is idle (a retry while an earlier attempt of the same
            // tempId is in flight joins that attempt and shares its outcome), one more attempt of every tempId.
            store.disarm();
            alice.awaitIdle();
            List<Attempt> retries = alice.used().stream().map(alice::submit).toList();
            alice.settle();
            for (Attempt retry : retries) {
                assertThat(retry.stored).as("retry of %s after recovery", retry.tempId).isNotNull();
            }
            alice.assertConfirmationsAgreePerTempId();
            List<StoredMessage> stored = real.after(room, 0, 1000).collectList().block(Duration.ofSeconds(10));
            assertThat(stored).extracting(StoredMessage::tempId).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(alice.used());
            assertThat(stored).extracting(StoredMessage::seq)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, stored.size()).boxed()
                            .toList());
        } finally {
            store.disarm();
            writer.drain(Duration.ofSeconds(5)).block(Duration.ofSeconds(10));
        }
    }

    private static void assertAtMostOneStoredPerTempId(MongoMessageStore store, String room) {
        List<StoredMessage> stored = store.after(room, 0, 1000).collectList().block(Duration.ofSeconds(10));
        Map<String, Long> perTempId = stored.stream()
                .collect(Collectors.groupingBy(StoredMessage::tempId, Collectors.counting()));
        assertThat(perTempId).allSatisfy((tempId, count) -> assertThat(count).as("stored %s", tempId).isEqualTo(1));
    }

    // ---- the client side: attempts and what each heard ----

    /** One submission of one tempId, and every signal its subscriber received. */
    static final class Attempt {
        final String tempId;
        final long startedNanos = System.nanoTime();
        final AtomicInteger outcomes = new AtomicInteger();
        final AtomicInteger emptyCompletions = new AtomicInteger();
        volatile StoredMessage stored;
        volatile Throwable failure;
        volatile long settledNanos;
        volatile boolean abandoned;
        Disposable subscription;

        Attempt(String tempId) {
            this.tempId = tempId;
        }

        boolean settled() {
            return outcomes.get() > 0;
        }
    }

    static final class Client {
        private final MessageWriter writer;
        private final String room;
        private final List<Attempt> attempts = new ArrayList<>();
        private final Set<String> used = new LinkedHashSet<>();

        Client(MessageWriter writer, String room) {
            this.writer = writer;
            this.room = room;
        }

        List<String> used() {
            return List.copyOf(used);
        }

        void run(Step step, FaultyStore store) {
            if (step instanceof Send send) {
                submit("t" + send.tempId());
            } else if (step instanceof Resend resend) {
                submit(used.isEmpty() ? "t0" : List.copyOf(used).get(resend.pick() % used.size()));
            } else if (step instanceof Fail fail) {
                store.arm(fail.fault());
            } else if (step instanceof Disconnect) {
                attempts.stream().filter(a -> !a.settled()).forEach(a -> {
                    a.abandoned = true;
                    a.subscription.dispose();
                });
            } else if (step instanceof Pause pause) {
                sleep(pause.millis());
            } else {
                settle();
            }
        }

        Attempt submit(String tempId) {
            used.add(tempId);
            Attempt attempt = new Attempt(tempId);
            attempts.add(attempt);
            NewMessage message = NewMessage.chat(room, USER, tempId, "body of " + tempId, null, Instant.now());
            attempt.subscription = writer.submit(message).subscribe(
                    stored -> {
                        attempt.stored = stored;
                        attempt.settledNanos = System.nanoTime();
                        attempt.outcomes.incrementAndGet();
                    },
                    failure -> {
                        attempt.failure = failure;
                        attempt.settledNanos = System.nanoTime();
                        attempt.outcomes.incrementAndGet();
                    },
                    () -> {
                        if (attempt.stored == null) {
                            attempt.emptyCompletions.incrementAndGet();
                        }
                    });
            return attempt;
        }

        /** Waits until every attempt still listened to has an outcome, or the bound passes. */
        void settle() {
            long deadline = System.nanoTime() + WRITE_TIMEOUT.plus(LATE_BY).plus(SETTLE_SLACK).toNanos();
            while (System.nanoTime() < deadline
                    && attempts.stream().anyMatch(a -> !a.abandoned && !a.settled())) {
                sleep(2);
            }
            // A little longer, so that a second (wrong) signal would have time to arrive.
            sleep(WRITE_TIMEOUT.toMillis() / 3);
        }

        /** Waits until the writer has nothing queued or in flight, abandoned attempts included. */
        void awaitIdle() {
            long deadline = System.nanoTime() + WRITE_TIMEOUT.plus(LATE_BY).plus(SETTLE_SLACK).toNanos();
            while (writer.pendingCount() > 0 && System.nanoTime() < deadline) {
                sleep(2);
            }
            assertThat(writer.pendingCount()).as("submissions still pending").isZero();
        }

        void assertEveryListenedAttemptSettledOnce() {
            for (Attempt attempt : attempts) {
                assertThat(attempt.emptyCompletions.get()).as("%s completed without a value", attempt.tempId)
                        .isZero();
                if (attempt.abandoned) {
                    assertThat(attempt.outcomes.get()).as("abandoned attempt of %s", attempt.tempId)
                            .isLessThanOrEqualTo(1);
                    continue;
                }
                assertThat(attempt.outcomes.get()).as("outcomes of an attempt of %s", attempt.tempId).isEqualTo(1);
                assertThat(attempt.stored == null ^ attempt.failure == null).isTrue();
                if (attempt.failure != null) {
                    assertThat(attempt.failure).isInstanceOf(StoreUnavailableException.class);
                }
                Duration took = Duration.ofNanos(attempt.settledNanos - attempt.startedNanos);
                assertThat(took).as("time to settle an attempt of %s", attempt.tempId)
                        .isLessThanOrEqualTo(WRITE_TIMEOUT.plus(SETTLE_SLACK));
            }
        }

        void assertConfirmationsAgreePerTempId() {
            Map<String, StoredMessage> first = new HashMap<>();
            for (Attempt attempt : attempts) {
                StoredMessage stored = attempt.stored;
                if (stored == null) {
                    continue;
                }
                assertThat(stored.tempId()).isEqualTo(attempt.tempId);
                assertThat(stored.room()).isEqualTo(room);
                StoredMessage earlier = first.putIfAbsent(attempt.tempId, stored);
                if (earlier != null) {
                    assertThat(stored.msgId()).as("msgId confirmed for %s", attempt.tempId)
                            .isEqualTo(earlier.msgId());
                    assertThat(stored.seq()).as("seq confirmed for %s", attempt.tempId).isEqualTo(earlier.seq());
                }
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
