package dev.signalgate.persistence.property;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import dev.signalgate.persistence.IdempotencyKey;
import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.persistence.embedded.EmbeddedMongo;
import dev.signalgate.persistence.mongo.MongoMessageStore;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The store's guarantees when batches mix new messages and retries, written by several nodes at once, for any
 * interleaving: two nodes append batches whose inputs reuse a small pool of retry keys (so a key's second
 * appearance is a retry that comes before, during or after its first write lands, on the same node or the
 * other, or even in the same batch), while a third writer takes numbers in the same rooms with server events
 * (no tempId). Each node is one {@link MongoMessageStore} on its own client, through the real reactive driver
 * against the embedded store; nothing is faked. Whatever the interleaving:
 * <ul>
 * <li>every call answers one stored message per input, and every answer for a key names the one stored
 * message of that key (same msgId and seq);</li>
 * <li>each room holds seq 1..N without a gap, at most one message per key, every event once;</li>
 * <li>within a room, the messages a node stored itself are numbered in the order it confirmed them, across its
 * calls and within each call.</li>
 * </ul>
 */
class BulkRetryProperties {

    static final int ROOMS = 2;
    static final int SENDERS = 2;
    static final int KEYS = 6;

    private static EmbeddedMongo mongo;
    private static final List<MongoClient> clients = new ArrayList<>();
    private static final List<MongoMessageStore> nodes = new ArrayList<>();
    private static final AtomicInteger scenarios = new AtomicInteger();

    @BeforeContainer
    static void startStore() {
        mongo = EmbeddedMongo.memory().start("127.0.0.1", 0);
        for (int i = 0; i < 3; i++) {
            MongoClient client = MongoClients.create(mongo.connectionString("bulk"));
            clients.add(client);
            nodes.add(new MongoMessageStore(new ReactiveMongoTemplate(client, "bulk")));
        }
        nodes.get(0).ensureIndexes().block(Duration.ofSeconds(10));
    }

    @AfterContainer
    static void stopStore() {
        clients.forEach(MongoClient::close);
        clients.clear();
        nodes.clear();
        mongo.stop();
    }

    /** One input: a chat message of {@code sender} in {@code room} with tempId {@code k<key>}. */
    record Item(int room, int sender, int key) {
    }

    /** One {@code appendAll} call of node 0 or 1, after a pause (micro-seconds) that shifts the interleaving. */
    record Batch(int node, List<Item> items, int pauseMicros) {
    }

    /** The third writer's calls: how many server events, in which room, after which pause. */
    record Events(int room, int count, int pauseMicros) {
    }

    record Scenario(List<Batch> batches, List<Events> events) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Item> item = Combinators.combine(Arbitraries.integers().between(0, ROOMS - 1),
                Arbitraries.integers().between(0, SENDERS - 1), Arbitraries.integers().between(0, KEYS - 1))
                .as(Item::new);
        Arbitrary<Batch> batch = Combinators.combine(Arbitraries.integers().between(0, 1),
                item.list().ofMinSize(1).ofMaxSize(12), Arbitraries.integers().between(0, 3000))
                .as(Batch::new);
        Arbitrary<Events> events = Combinators.combine(Arbitraries.integers().between(0, ROOMS - 1),
                Arbitraries.integers().between(1, 4), Arbitraries.integers().between(0, 3000))
                .as(Events::new);
        return Combinators.combine(batch.list().ofMinSize(1).ofMaxSize(10), events.list().ofMaxSize(4))
                .as(Scenario::new);
    }

    @Property(tries = 80, shrinking = ShrinkingMode.BOUNDED)
    void mixedBatchesOfSeveralWritersKeepEveryGuarantee(@ForAll("scenarios") Scenario scenario) {
        String prefix = "bulk-" + scenarios.incrementAndGet() + "-";
        AtomicInteger bodies = new AtomicInteger();
        List<List<Call>> callsByNode = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (Batch batch : scenario.batches()) {
            List<NewMessage> inputs = batch.items().stream()
                    .map(item -> NewMessage.chat(prefix + item.room(), "user" + item.sender(), "k" + item.key(),
                            "body " + bodies.incrementAndGet(), null, Instant.now()))
                    .toList();
            callsByNode.get(batch.node()).add(new Call(inputs, batch.pauseMicros()));
        }
        for (Events events : scenario.events()) {
            List<NewMessage> inputs = new ArrayList<>();
            for (int i = 0; i < events.count(); i++) {
                inputs.add(new NewMessage(prefix + events.room(), null, null, "queue:updated", "event " + bodies.incrementAndGet(),
                        null, Instant.now()));
            }
            callsByNode.get(2).add(new Call(inputs, events.pauseMicros()));
        }

        // Each node writes its calls one after another (as MessageWriter does); the nodes run concurrently.
        Flux.range(0, 3)
                .flatMap(node -> Flux.fromIterable(callsByNode.get(node)).concatMap(call -> Mono.delay(
                                Duration.ofNanos(call.pauseMicros * 1000L))
                        .then(nodes.get(node).appendAll(call.inputs).collectList())
                        .doOnNext(answers -> call.answers = answers)))
                .then().block(Duration.ofSeconds(60));

        Map<IdempotencyKey, StoredMessage> answerByKey = new HashMap<>();
        for (List<Call> calls : callsByNode) {
            for (Call call : calls) {
                assertThat(call.answers).as("answers of a call").hasSize(call.inputs.size());
                for (int i = 0; i < call.inputs.size(); i++) {
                    NewMessage input = call.inputs.get(i);
                    StoredMessage answer = call.answers.get(i);
                    assertThat(answer.room()).isEqualTo(input.room());
                    IdempotencyKey key = input.idempotencyKey();
                    if (key != null) {
                        assertThat(answer.tempId()).isEqualTo(input.tempId());
                        StoredMessage earlier = answerByKey.putIfAbsent(key, answer);
                        if (earlier != null) {
                            assertThat(answer).as("every answer for %s", key).isEqualTo(earlier);
                        }
                    }
                }
            }
        }

        for (int room = 0; room < ROOMS; room++) {
            String name = prefix + room;
            List<StoredMessage> stored = nodes.get(0).after(name, 0, 10_000).collectList().block(Duration.ofSeconds(10));
            assertThat(stored).extracting(StoredMessage::seq)
                    .as("seqs of %s", name).containsExactlyElementsOf(LongStream.rangeClosed(1, stored.size()).boxed().toList());
            List<StoredMessage> keyed = stored.stream().filter(message -> message.from() != null).toList();
            assertThat(keyed).extracting(message -> message.from() + "/" + message.tempId()).doesNotHaveDuplicates();
            assertThat(keyed).allSatisfy(message -> assertThat(message)
                    .isEqualTo(answerByKey.get(new IdempotencyKey(name, message.from(), message.tempId()))));
            assertThat(answerByKey.keySet().stream().filter(key -> key.room().equals(name))).hasSize(keyed.size());
            long events = callsByNode.get(2).stream().flatMap(call -> call.inputs.stream())
                    .filter(input -> input.room().equals(name)).count();
            assertThat(stored.size() - keyed.size()).as("events stored in %s", name).isEqualTo(events);
        }

        for (List<Call> calls : callsByNode) {
            assertOwnWritesAreNumberedInConfirmationOrder(calls);
        }
    }

    /** The messages a node stored itself (its own body came back), per room, in the order the node confirmed them. */
    private static void assertOwnWritesAreNumberedInConfirmationOrder(List<Call> calls) {
        Map<String, List<Long>> ownSeqs = new HashMap<>();
        for (Call call : calls) {
            for (int i = 0; i < call.inputs.size(); i++) {
                NewMessage input = call.inputs.get(i);
                StoredMessage answer = call.answers.get(i);
                if (input.body().equals(answer.body())) {
                    ownSeqs.computeIfAbsent(input.room(), room -> new ArrayList<>()).add(answer.seq());
                }
            }
        }
        ownSeqs.forEach((room, seqs) -> assertThat(seqs).as("own seqs in %s, in confirmation order", room)
                .isSorted().doesNotHaveDuplicates());
    }

    static final class Call {
        final List<NewMessage> inputs;
        final int pauseMicros;
        volatile List<StoredMessage> answers;

        Call(List<NewMessage> inputs, int pauseMicros) {
            this.inputs = inputs;
            this.pauseMicros = pauseMicros;
        }
    }
}
