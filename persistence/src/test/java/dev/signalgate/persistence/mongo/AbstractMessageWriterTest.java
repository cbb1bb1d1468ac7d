package dev.signalgate.persistence.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoreUnavailableException;
import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.persistence.WriterSettings;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.util.retry.Retry;

/**
 * {@link MessageWriter} over {@link MongoMessageStore} and the real driver against the embedded server,
 * including an outage: the server is stopped and started again on the same port while the writer lives.
 */
abstract class AbstractMessageWriterTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * Short, so the outage tests are quick, but not shorter than a cold first write on a loaded machine may take:
     * a message still queued after half of it is shed unwritten.
     */
    static final Duration WRITE_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path tempDir;

    MongoFixture fixture;
    MongoMessageStore store;
    MessageWriter writer;

    abstract MongoFixture createFixture(Path tempDir);

    /** Whether messages stored before a stop are there after the start. */
    abstract boolean keepsDataAcrossRestarts();

    @BeforeEach
    void startWriter() {
        fixture = createFixture(tempDir);
        store = new MongoMessageStore(fixture.template());
        StepVerifier.create(store.ensureIndexes()).expectComplete().verify(TIMEOUT);
        writer = new MessageWriter(store, WriterSettings.defaults().withWriteTimeout(WRITE_TIMEOUT));
    }

    @AfterEach
    void stopWriter() {
        StepVerifier.create(writer.drain(Duration.ofSeconds(5))).expectComplete().verify(TIMEOUT);
        fixture.close();
    }

    static NewMessage chat(String room, String from, String tempId) {
        return NewMessage.chat(room, from, tempId, "hello " + tempId, null, Instant.now());
    }

    @Test
    void submissionsCompleteInSeqOrderWithinEachRoom() {
        List<StoredMessage> completed = new CopyOnWriteArrayList<>();

        StepVerifier.create(Flux.range(0, 300)
                        .flatMap(i -> writer.submit(chat("room:" + (i % 3), "user" + (i % 5), "t" + i)).doOnNext(completed::add), 64))
                .expectNextCount(300)
                .expectComplete()
                .verify(TIMEOUT);

        Map<String, List<Long>> seqsByRoom = completed.stream().collect(Collectors.groupingBy(StoredMessage::room,
                Collectors.mapping(StoredMessage::seq, Collectors.toList())));
        assertThat(seqsByRoom).hasSize(3);
        seqsByRoom.values().forEach(seqs -> assertThat(seqs).isEqualTo(AbstractMessageStoreTest.oneTo(100)));
    }

    @Test
    void inFlightDuplicateSharesTheResultAndIsStoredOnce() {
        StepVerifier.create(Mono.zip(writer.submit(chat("room:a", "alice", "t1")), writer.submit(chat("room:a", "alice", "t1"))))
                .assertNext(both -> assertThat(both.getT2()).isEqualTo(both.getT1()))
                .expectComplete()
                .verify(TIMEOUT);

        StepVerifier.create(store.after("room:a", 0, 10)).expectNextCount(1).expectComplete().verify(TIMEOUT);
    }

    @Test
    void retryAfterCompletionIsAnsweredWithTheStoredMessage() {
        StoredMessage first = writer.submit(chat("room:a", "alice", "t1")).block(TIMEOUT);

        StepVerifier.create(writer.submit(chat("room:a", "alice", "t1"))).expectNext(first).expectComplete().verify(TIMEOUT);
    }

    @Test
    void stoppedServerFailsSubmissionsWithStoreUnavailable() {
        StepVerifier.create(writer.submit(chat("room:a", "alice", "t1"))).expectNextCount(1).expectComplete().verify(TIMEOUT);
        fixture.stopServer();

        StepVerifier.create(writer.submit(chat("room:a", "alice", "t2")))
                .expectError(StoreUnavailableException.class)
                .verify(TIMEOUT);
        assertThat(writer.pendingCount()).isZero();
    }

    @Test
    void writerRecoversWhenTheServerStartsAgainOnTheSamePort() {
        StepVerifier.create(Flux.range(1, 3).concatMap(i -> writer.submit(chat("room:a", "alice", "t" + i))))
                .expectNextCount(3).expectComplete().verify(TIMEOUT);
        fixture.stopServer();
        StepVerifier.create(writer.submit(chat("room:a", "alice", "t4")))
                .expectError(StoreUnavailableException.class)
                .verify(TIMEOUT);

        fixture.startServerAgain();
        if (!keepsDataAcrossRestarts()) {
            StepVerifier.create(store.ensureIndexes()).expectComplete().verify(TIMEOUT);
        }

        // the same tempId again: a client retrying after the failure; the driver reconnects on its own
        StepVerifier.create(writer.submit(chat("room:a", "alice", "t4"))
                        .retryWhen(Retry.fixedDelay(60, Duration.ofMillis(250)).filter(StoreUnavailableException.class::isInstance)))
                .assertNext(stored -> assertThat(stored.seq()).isEqualTo(keepsDataAcrossRestarts() ? 4 : 1))
                .expectComplete()
                .verify(TIMEOUT);
        StepVerifier.create(writer.submit(chat("room:a", "alice", "t5")))
                .assertNext(stored -> assertThat(stored.seq()).isEqualTo(keepsDataAcrossRestarts() ? 5 : 2))
                .expectComplete()
                .verify(TIMEOUT);
    }
}
