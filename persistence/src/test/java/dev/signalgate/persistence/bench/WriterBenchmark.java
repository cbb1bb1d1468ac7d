package dev.signalgate.persistence.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import dev.signalgate.persistence.MessageStore;
import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.persistence.WriterSettings;
import dev.signalgate.persistence.embedded.EmbeddedMongo;
import dev.signalgate.persistence.mongo.MongoMessageStore;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Pushes N chat messages over R rooms through {@link MessageWriter} into the embedded server (H2 file
 * backend unless told otherwise) with C submissions outstanding at any time, and prints throughput and
 * the submit-to-stored latency.
 *
 * <pre>
 * mvn -o -pl persistence test-compile org.codehaus.mojo:exec-maven-plugin:3.6.4:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.signalgate.persistence.bench.WriterBenchmark -Dexec.args="100000 100 1000 h2"
 * </pre>
 *
 * Arguments, all optional: messages (100000), rooms (100), outstanding submissions (1000), backend
 * ({@code h2} or {@code memory}), maxBatch (256), maxDelay in ms (2).
 */
public final class WriterBenchmark {

    private WriterBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int messages = intArg(args, 0, 100_000);
        int rooms = intArg(args, 1, 100);
        int outstanding = intArg(args, 2, 1_000);
        String backend = args.length > 3 ? args[3] : "h2";
        int maxBatch = intArg(args, 4, WriterSettings.DEFAULT_MAX_BATCH);
        int maxDelayMs = intArg(args, 5, 2);

        Path dataDir = Files.createTempDirectory("signalgate-bench");
        EmbeddedMongo mongo = backend.equals("memory") ? EmbeddedMongo.memory() : EmbeddedMongo.file(dataDir);
        mongo.start("127.0.0.1", 0);
        MongoClient client = MongoClients.create(mongo.connectionString("bench"));
        try {
            ReactiveMongoTemplate template = new ReactiveMongoTemplate(client, "bench");
            MongoMessageStore mongoStore = new MongoMessageStore(template);
            mongoStore.ensureIndexes().block(Duration.ofSeconds(30));
            CountingStore store = new CountingStore(mongoStore);
            WriterSettings settings = WriterSettings.defaults().withMaxBatch(maxBatch)
                    .withMaxDelay(Duration.ofMillis(maxDelayMs)).withWriteTimeout(Duration.ofSeconds(30));
            MessageWriter writer = new MessageWriter(store, settings);

            System.out.printf(Locale.ROOT, "backend=%s messages=%d rooms=%d outstanding=%d maxBatch=%d maxDelay=%dms cores=%d%n",
                    backend, messages, rooms, outstanding, maxBatch, maxDelayMs, Runtime.getRuntime().availableProcessors());
            run(writer, Math.min(messages, 20_000), rooms, outstanding, "warmup");
            store.reset();
            Result result = run(writer, messages, rooms, outstanding, "run");
            System.out.printf(Locale.ROOT, "%d messages in %.2f s: %.0f messages/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms; "
                            + "%d batches, %.1f messages per batch%n",
                    messages, result.seconds, messages / result.seconds, result.p50Ms, result.p99Ms, result.maxMs,
                    store.batches.get(), store.batches.get() == 0 ? 0.0 : (double) store.messages.get() / store.batches.get());

            writer.drain(Duration.ofSeconds(10)).block(Duration.ofSeconds(15));
            queries(mongoStore, rooms);
        } finally {
            client.close();
            mongo.stop();
        }
    }

    private record Result(double seconds, double p50Ms, double p99Ms, double maxMs) {
    }

    private static Result run(MessageWriter writer, int messages, int rooms, int outstanding, String label) {
        long[] latencies = new long[messages];
        String run = label + "-" + System.nanoTime();
        long start = System.nanoTime();
        Flux.range(0, messages)
                .flatMap(i -> Mono.defer(() -> {
                    long submitted = System.nanoTime();
                    NewMessage message = NewMessage.chat("room:" + (i % rooms), "user" + (i % 1000), run + "-" + i,
                            "message " + i + " of the benchmark", null, Instant.now());
                    return writer.submit(message).doOnNext(stored -> latencies[i] = System.nanoTime() - submitted);
                }), outstanding)
                .then()
                .block(Duration.ofMinutes(10));
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new Result(seconds, latencies[(int) (messages * 0.50)] / 1e6,
                latencies[Math.min(messages - 1, (int) (messages * 0.99))] / 1e6, latencies[messages - 1] / 1e6);
    }

    /** Resume and history queries once the collection is full: their cost grows with it on the embedded server. */
    private static void queries(MessageStore store, int rooms) {
        String room = "room:" + (rooms / 2);
        long lastSeq = store.lastSeq(room).block(Duration.ofMinutes(1));
        long start = System.nanoTime();
        store.lastSeq(room).block(Duration.ofMinutes(1));
        double lastSeqMs = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        long resumed = store.after(room, Math.max(0, lastSeq - 50), 50).count().block(Duration.ofMinutes(1));
        double afterMs = (System.nanoTime() - start) / 1e6;
        start = System.nanoTime();
        long history = store.before(room, null, 50).count().block(Duration.ofMinutes(1));
        double beforeMs = (System.nanoTime() - start) / 1e6;
        System.out.printf(Locale.ROOT, "queries on a room of %d messages: lastSeq %.1f ms, after(50) %.1f ms (%d), before(50) %.1f ms (%d)%n",
                lastSeq, lastSeqMs, afterMs, resumed, beforeMs, history);
    }

    private static int intArg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }

    /** Counts the batches the writer hands to the store. */
    private static final class CountingStore implements MessageStore {

        private final MessageStore delegate;
        private final AtomicInteger batches = new AtomicInteger();
        private final AtomicLong messages = new AtomicLong();

        CountingStore(MessageStore delegate) {
            this.delegate = delegate;
        }

        void reset() {
            batches.set(0);
            messages.set(0);
        }

        @Override
        public Flux<StoredMessage> appendAll(List<NewMessage> batch) {
            batches.incrementAndGet();
            messages.addAndGet(batch.size());
            return delegate.appendAll(batch);
        }

        @Override
        public Flux<StoredMessage> after(String room, long sinceSeq, int limit) {
            return delegate.after(room, sinceSeq, limit);
        }

        @Override
        public Flux<StoredMessage> before(String room, @Nullable Long beforeSeq, int limit) {
            return delegate.before(room, beforeSeq, limit);
        }

        @Override
        public Mono<Long> lastSeq(String room) {
            return delegate.lastSeq(room);
        }

        @Override
        public Mono<StoredMessage> findByTempId(String room, @Nullable String from, String tempId) {
            return delegate.findByTempId(room, from, tempId);
        }
    }
}
