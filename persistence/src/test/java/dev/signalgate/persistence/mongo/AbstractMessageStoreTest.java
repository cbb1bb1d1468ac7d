package dev.signalgate.persistence.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.mongodb.core.index.IndexInfo;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.signalgate.persistence.NewMessage;
import dev.signalgate.persistence.StoredMessage;

import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/**
 * The store contract, run against each backend by the subclasses: the embedded server's memory and H2
 * file backends, and a real MongoDB when a URI is given.
 */
abstract class AbstractMessageStoreTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final AtomicInteger TEMP_IDS = new AtomicInteger();

    @TempDir
    Path tempDir;

    MongoFixture fixture;
    MongoMessageStore store;
    MongoReadMarkStore marks;

    abstract MongoFixture createFixture(Path tempDir);

    @BeforeEach
    void startDatabase() {
        fixture = createFixture(tempDir);
        store = new MongoMessageStore(fixture.template());
        marks = new MongoReadMarkStore(fixture.template());
        StepVerifier.create(store.ensureIndexes().then(marks.ensureIndexes())).expectComplete().verify(TIMEOUT);
    }

    @AfterEach
    void stopDatabase() {
        fixture.close();
    }

    static NewMessage chat(String room, String from, String tempId) {
        return NewMessage.chat(room, from, tempId, "body of " + tempId, null, Instant.parse("2026-01-02T03:04:05.123456Z"));
    }

    static NewMessage chat(String room, String from) {
        return chat(room, from, "t-" + TEMP_IDS.incrementAndGet());
    }

    static List<NewMessage> chats(String room, String from, int count) {
        return IntStream.range(0, count).mapToObj(i -> chat(room, from)).toList();
    }

    static List<Long> seqs(List<StoredMessage> messages) {
        return messages.stream().map(StoredMessage::seq).toList();
    }

    static List<Long> oneTo(long n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    List<StoredMessage> append(MongoMessageStore target, List<NewMessage> batch) {
        List<StoredMessage> stored = target.appendAll(batch).collectList().block(TIMEOUT);
        assertThat(stored).hasSize(batch.size());
        return stored;
    }

    List<StoredMessage> append(List<NewMessage> batch) {
        return append(store, batch);
    }

    List<Document> documentsOf(String room) {
        return fixture.template().find(Query.query(Criteria.where("room").is(room)),
                Document.class, MessageDocuments.COLLECTION).collectList().block(TIMEOUT);
    }

    @Test
    void seqStartsAtOneAndGrowsWithoutGaps() {
        List<StoredMessage> first = append(chats("room:a", "alice", 5));
        List<StoredMessage> second = append(chats("room:a", "bob", 3));

        assertThat(seqs(first)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seqs(second)).containsExactly(6L, 7L, 8L);
        assertThat(first).extracting(StoredMessage::msgId).doesNotHaveDuplicates();
    }

    @Test
    void eachRoomHasItsOwnSequenceEvenInOneBatch() {
        List<StoredMessage> stored = append(List.of(chat("room:a", "u"), chat("room:b", "u"), chat("room:a", "u"),
                chat("room:b", "u"), chat("room:c", "u")));

        assertThat(stored).extracting(StoredMessage::room, StoredMessage::seq).containsExactly(
                tuple("room:a", 1L), tuple("room:b", 1L),
                tuple("room:a", 2L), tuple("room:b", 2L),
                tuple("room:c", 1L));
    }

    @Test
    void storedMessageKeepsEveryFieldAsGiven() {
        NewMessage event = new NewMessage("room:q", null, "evt-1", "queue:updated", null, "{\"position\":3,\"enc\":\"AAE=\"}",
                Instant.parse("2026-01-02T03:04:05.123999Z"));

        StoredMessage stored = append(List.of(event)).get(0);
        StoredMessage readBack = store.after("room:q", 0, 10).blockFirst(TIMEOUT);

        assertThat(stored).isEqualTo(readBack);
        assertThat(readBack.type()).isEqualTo("queue:updated");
        assertThat(readBack.from()).isNull();
        assertThat(readBack.body()).isNull();
        assertThat(readBack.metaJson()).isEqualTo("{\"position\":3,\"enc\":\"AAE=\"}");
        assertThat(readBack.ts()).isEqualTo(Instant.parse("2026-01-02T03:04:05.123Z"));
        assertThat(readBack.msgId()).matches("[0-9a-f]{24}");
    }

    @Test
    void retryWithSameTempIdStoresOnce() {
        StoredMessage first = append(List.of(chat("room:a", "alice", "t-1"))).get(0);
        NewMessage retry = NewMessage.chat("room:a", "alice", "t-1", "a different body", null, Instant.now());

        StepVerifier.create(store.appendAll(List.of(retry)))
                .expectNext(first)
                .expectComplete()
                .verify(TIMEOUT);
        assertThat(documentsOf("room:a")).hasSize(1);
        StepVerifier.create(store.lastSeq("room:a")).expectNext(1L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void sameTempIdFromAnotherSenderOrRoomIsAnotherMessage() {
        List<StoredMessage> stored = append(List.of(chat("room:a", "alice", "t-1"), chat("room:a", "bob", "t-1"),
                chat("room:b", "alice", "t-1")));

        assertThat(stored).extracting(StoredMessage::msgId).doesNotHaveDuplicates();
        assertThat(seqs(stored)).containsExactly(1L, 2L, 1L);
    }

    @Test
    void duplicateTempIdInsideOneBatchIsStoredOnce() {
        List<StoredMessage> stored = append(List.of(chat("room:a", "alice", "t-1"), chat("room:a", "bob", "t-2"),
                chat("room:a", "alice", "t-1"), chat("room:a", "carol", "t-3")));

        assertThat(seqs(stored)).containsExactly(1L, 2L, 1L, 3L);
        assertThat(stored.get(2)).isEqualTo(stored.get(0));
        assertThat(documentsOf("room:a")).hasSize(3);
    }

    @Test
    void retryInTheMiddleOfABatchRenumbersTheMessagesAfterIt() {
        StoredMessage earlier = append(List.of(chat("room:a", "alice", "t-1"))).get(0);

        List<StoredMessage> stored = append(List.of(chat("room:a", "bob", "t-2"), chat("room:a", "alice", "t-1"),
                chat("room:a", "carol", "t-3"), chat("room:b", "dave", "t-4")));

        assertThat(seqs(stored)).containsExactly(2L, 1L, 3L, 1L);
        assertThat(stored.get(1)).isEqualTo(earlier);
        assertThat(documentsOf("room:a")).extracting(document -> ((Number) document.get("seq")).longValue())
                .containsExactlyInAnyOrder(1L, 2L, 3L);
    }

    @Test
    void retryOfAWholeBatchReturnsTheSameMessages() {
        List<NewMessage> batch = chats("room:a", "alice", 10);
        List<StoredMessage> first = append(batch);

        assertThat(append(batch)).isEqualTo(first);
        assertThat(documentsOf("room:a")).hasSize(10);
    }

    @Test
    void aBatchFullOfRetriesIsResolvedInThreeRoundTrips() {
        RoundTrips roundTrips = new RoundTrips();
        MongoMessageStore node = new MongoMessageStore(fixture.newTemplate(roundTrips));
        List<NewMessage> first = new ArrayList<>(chats("room:a", "alice", 100));
        first.addAll(chats("room:b", "bob", 100));
        List<StoredMessage> stored = append(node, first);

        // Every client resends everything after a reconnect, while new messages keep coming in between.
        List<NewMessage> storm = new ArrayList<>();
        List<Integer> freshAt = new ArrayList<>();
        for (int i = 0; i < first.size(); i++) {
            storm.add(first.get(i));
            if (i % 4 == 1) {
                freshAt.add(storm.size());
                storm.add(chat(i < 100 ? "room:a" : "room:b", "carol"));
            }
        }
        int[] reported = new int[3];
        node.setAppendListener((size, retries, trips) -> {
            reported[0] = size;
            reported[1] = retries;
            reported[2] = trips;
        });
        roundTrips.reset();

        List<StoredMessage> answered = append(node, storm);

        assertThat(roundTrips.commands()).as("commands for a batch of %d retries", first.size())
                .containsExactly("insert", "find", "insert");
        assertThat(reported).containsExactly(storm.size(), first.size(), 3);
        List<StoredMessage> retries = new ArrayList<>(answered);
        List<StoredMessage> fresh = new ArrayList<>();
        for (int k = freshAt.size() - 1; k >= 0; k--) {
            fresh.add(0, retries.remove((int) freshAt.get(k)));
        }
        assertThat(retries).containsExactlyElementsOf(stored);
        assertThat(fresh.stream().filter(m -> m.room().equals("room:a")).map(StoredMessage::seq).toList())
                .isEqualTo(LongStream.rangeClosed(101, 125).boxed().toList());
        assertThat(fresh.stream().filter(m -> m.room().equals("room:b")).map(StoredMessage::seq).toList())
                .isEqualTo(LongStream.rangeClosed(101, 125).boxed().toList());
        assertThat(documentsOf("room:a")).hasSize(125);
        assertThat(documentsOf("room:b")).hasSize(125);
    }

    @Test
    void anotherNodesRetriesAreResolvedWithOneLookUpAfterReadingTheTops() {
        List<StoredMessage> stored = append(chats("room:a", "alice", 50));
        RoundTrips roundTrips = new RoundTrips();
        MongoMessageStore otherNode = new MongoMessageStore(fixture.newTemplate(roundTrips));
        List<NewMessage> retries = stored.stream()
                .map(m -> chat(m.room(), m.from(), m.tempId())).toList();

        List<StoredMessage> answered = append(otherNode, retries);

        assertThat(answered).containsExactlyElementsOf(stored);
        // the room's top (its cache is cold), the refused insert, one look-up for all 50
        assertThat(roundTrips.count("find")).isEqualTo(2);
        assertThat(roundTrips.count("insert")).isEqualTo(1);
    }

    @Test
    void messagesWithoutTempIdAreNeverMerged() {
        NewMessage event = new NewMessage("room:a", null, null, "queue:updated", null, "{}", Instant.now());

        List<StoredMessage> stored = append(List.of(event, event));

        assertThat(seqs(stored)).containsExactly(1L, 2L);
        assertThat(stored).allSatisfy(message -> assertThat(message.tempId()).isEqualTo(message.msgId()));
    }

    @Test
    void emptyBatchStoresNothing() {
        StepVerifier.create(store.appendAll(List.of())).expectComplete().verify(TIMEOUT);
    }

    @Test
    void staleSeqCacheOfAnotherNodeIsCorrectedByTheUniqueIndex() {
        MongoMessageStore otherNode = new MongoMessageStore(fixture.newTemplate());
        append(chats("room:a", "alice", 3));
        append(otherNode, chats("room:a", "bob", 2));

        List<StoredMessage> stored = append(chats("room:a", "alice", 2));

        assertThat(seqs(stored)).containsExactly(6L, 7L);
    }

    @Test
    void twoNodesWritingOneRoomConcurrentlyEndWithSeqsOneToN() {
        MongoMessageStore nodeA = store;
        MongoMessageStore nodeB = new MongoMessageStore(fixture.newTemplate());
        int batches = 30;
        int batchSize = 10;

        Flux<StoredMessage> writesA = Flux.range(0, batches).concatMap(i -> nodeA.appendAll(chats("room:busy", "alice", batchSize)));
        Flux<StoredMessage> writesB = Flux.range(0, batches).concatMap(i -> nodeB.appendAll(chats("room:busy", "bob", batchSize)));
        List<StoredMessage> stored = Flux.merge(writesA, writesB).collectList().block(Duration.ofSeconds(60));

        int total = 2 * batches * batchSize;
        assertThat(stored).hasSize(total);
        assertThat(stored.stream().map(StoredMessage::seq).sorted().toList()).isEqualTo(oneTo(total));
        assertThat(documentsOf("room:busy")).extracting(document -> ((Number) document.get("seq")).longValue())
                .containsExactlyInAnyOrderElementsOf(oneTo(total));
        StepVerifier.create(nodeB.lastSeq("room:busy")).expectNext((long) total).expectComplete().verify(TIMEOUT);
    }

    @Test
    void fourNodesAppendingSingleMessagesToOneRoomEndWithSeqsOneToN() {
        List<MongoMessageStore> nodes = List.of(store, new MongoMessageStore(fixture.newTemplate()),
                new MongoMessageStore(fixture.newTemplate()), new MongoMessageStore(fixture.newTemplate()));
        List<StoredMessage> stored = Flux.range(0, nodes.size())
                .flatMap(node -> Flux.range(0, 40).concatMap(i -> nodes.get(node).append(chat("room:busy", "node" + node))))
                .collectList().block(Duration.ofSeconds(60));

        assertThat(stored.stream().map(StoredMessage::seq).sorted().toList()).isEqualTo(oneTo(160));
    }

    @Test
    void eachNodesMessagesKeepTheirOrderWithinARoom() {
        MongoMessageStore nodeB = new MongoMessageStore(fixture.newTemplate());
        List<StoredMessage> stored = Flux.merge(
                Flux.range(0, 20).concatMap(i -> store.appendAll(chats("room:busy", "alice", 5))),
                Flux.range(0, 20).concatMap(i -> nodeB.appendAll(chats("room:busy", "bob", 5))))
                .collectList().block(Duration.ofSeconds(60));

        Map<String, List<Long>> bySender = stored.stream().collect(Collectors.groupingBy(StoredMessage::from,
                Collectors.mapping(StoredMessage::seq, Collectors.toList())));
        assertThat(bySender.get("alice")).isSorted().doesNotHaveDuplicates();
        assertThat(bySender.get("bob")).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void afterReturnsNewerMessagesInAscendingOrder() {
        append(chats("room:a", "alice", 10));

        assertThat(seqs(store.after("room:a", 4, 3).collectList().block(TIMEOUT))).containsExactly(5L, 6L, 7L);
        assertThat(seqs(store.after("room:a", 0, 100).collectList().block(TIMEOUT))).isEqualTo(oneTo(10));
        StepVerifier.create(store.after("room:a", 10, 5)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(store.after("room:other", 0, 5)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void beforePagesBackwardsNewestFirst() {
        append(chats("room:a", "alice", 10));
        append(chats("room:b", "alice", 3));

        List<StoredMessage> newest = store.before("room:a", null, 4).collectList().block(TIMEOUT);
        List<StoredMessage> older = store.before("room:a", newest.get(newest.size() - 1).seq(), 4).collectList().block(TIMEOUT);
        List<StoredMessage> oldest = store.before("room:a", older.get(older.size() - 1).seq(), 4).collectList().block(TIMEOUT);

        assertThat(seqs(newest)).containsExactly(10L, 9L, 8L, 7L);
        assertThat(seqs(older)).containsExactly(6L, 5L, 4L, 3L);
        assertThat(seqs(oldest)).containsExactly(2L, 1L);
        assertThat(newest).allSatisfy(message -> assertThat(message.room()).isEqualTo("room:a"));
    }

    @Test
    void pagingWithoutAPositiveLimitIsRefused() {
        StepVerifier.create(store.after("room:a", 0, 0)).expectError(IllegalArgumentException.class).verify(TIMEOUT);
        StepVerifier.create(store.before("room:a", null, -1)).expectError(IllegalArgumentException.class).verify(TIMEOUT);
    }

    @Test
    void lastSeqIsZeroForAnEmptyRoomAndTheHighestSeqOtherwise() {
        StepVerifier.create(store.lastSeq("room:a")).expectNext(0L).expectComplete().verify(TIMEOUT);
        append(chats("room:a", "alice", 7));
        StepVerifier.create(store.lastSeq("room:a")).expectNext(7L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void findByTempIdFindsTheStoredMessageOrNothing() {
        StoredMessage stored = append(List.of(chat("room:a", "alice", "t-9"))).get(0);
        StoredMessage event = append(List.of(new NewMessage("room:a", null, "evt-1", "queue:updated", null, "{}", Instant.now()))).get(0);

        StepVerifier.create(store.findByTempId("room:a", "alice", "t-9")).expectNext(stored).expectComplete().verify(TIMEOUT);
        StepVerifier.create(store.findByTempId("room:a", null, "evt-1")).expectNext(event).expectComplete().verify(TIMEOUT);
        StepVerifier.create(store.findByTempId("room:a", "bob", "t-9")).expectComplete().verify(TIMEOUT);
    }

    @Test
    void ensureIndexesCreatesTheUniqueIndexesAndCanRunTwice() {
        StepVerifier.create(store.ensureIndexes()).expectComplete().verify(TIMEOUT);

        List<IndexInfo> indexes = fixture.template().indexOps(MessageDocuments.COLLECTION).getIndexInfo().collectList().block(TIMEOUT);
        assertThat(indexes).filteredOn(index -> index.getName().equals(MessageDocuments.ROOM_SEQ_INDEX))
                .singleElement().satisfies(index -> {
                    assertThat(index.isUnique()).isTrue();
                    assertThat(index.isIndexForFields(List.of("room", "seq"))).isTrue();
                });
        assertThat(indexes).filteredOn(index -> index.getName().equals(MessageDocuments.TEMP_ID_INDEX))
                .singleElement().satisfies(index -> {
                    assertThat(index.isUnique()).isTrue();
                    assertThat(index.isIndexForFields(List.of("room", "from", "tempId"))).isTrue();
                });
        assertThat(indexes).extracting(IndexInfo::getName).doesNotContain(MessageDocuments.TTL_INDEX);
    }

    @Test
    void retentionCreatesATtlIndexOnTsAndTurningItOffDropsIt() {
        MongoMessageStore retaining = new MongoMessageStore(fixture.template(), Duration.ofDays(30));
        StepVerifier.create(retaining.ensureIndexes()).expectComplete().verify(TIMEOUT);

        List<IndexInfo> indexes = fixture.template().indexOps(MessageDocuments.COLLECTION).getIndexInfo().collectList().block(TIMEOUT);
        assertThat(indexes).filteredOn(index -> index.getName().equals(MessageDocuments.TTL_INDEX))
                .singleElement().satisfies(index -> {
                    assertThat(index.isIndexForFields(List.of("ts"))).isTrue();
                    assertThat(index.getExpireAfter()).contains(Duration.ofDays(30));
                });

        StepVerifier.create(store.ensureIndexes()).expectComplete().verify(TIMEOUT);
        assertThat(fixture.template().indexOps(MessageDocuments.COLLECTION).getIndexInfo().map(IndexInfo::getName)
                .collectList().block(TIMEOUT)).doesNotContain(MessageDocuments.TTL_INDEX);
    }

    @Test
    void expiredHistoryDoesNotRestartTheSequence() {
        MongoMessageStore retaining = new MongoMessageStore(fixture.template(), Duration.ofDays(1));
        StepVerifier.create(retaining.ensureIndexes()).expectComplete().verify(TIMEOUT);
        append(retaining, chats("room:a", "alice", 3));
        // what the TTL monitor of a real MongoDB does once the messages are older than the retention
        fixture.template().remove(new Query(), MessageDocuments.COLLECTION).block(TIMEOUT);

        MongoMessageStore restartedNode = new MongoMessageStore(fixture.template(), Duration.ofDays(1));
        assertThat(seqs(append(restartedNode, chats("room:a", "alice", 2)))).containsExactly(4L, 5L);
        StepVerifier.create(restartedNode.lastSeq("room:a")).expectNext(5L).expectComplete().verify(TIMEOUT);
    }

    @Test
    void purgeDeletesMessagesOlderThanTheRetentionAndTheSequenceGoesOn() {
        MongoMessageStore retaining = new MongoMessageStore(fixture.template(), Duration.ofDays(1));
        StepVerifier.create(retaining.ensureIndexes()).expectComplete().verify(TIMEOUT);
        Instant now = Instant.parse("2026-03-01T12:00:00Z");
        append(retaining, List.of(
                NewMessage.chat("room:a", "alice", "old-1", "old", null, now.minus(Duration.ofDays(3))),
                NewMessage.chat("room:a", "alice", "old-2", "old", null, now.minus(Duration.ofHours(25))),
                NewMessage.chat("room:a", "alice", "new-1", "new", null, now.minus(Duration.ofHours(23))),
                NewMessage.chat("room:b", "alice", "old-3", "old", null, now.minus(Duration.ofDays(2)))));

        StepVerifier.create(retaining.purgeExpired(now)).expectNext(3L).expectComplete().verify(TIMEOUT);

        assertThat(seqs(retaining.after("room:a", 0, 10).collectList().block(TIMEOUT))).containsExactly(3L);
        StepVerifier.create(retaining.after("room:b", 0, 10)).expectComplete().verify(TIMEOUT);
        MongoMessageStore restartedNode = new MongoMessageStore(fixture.newTemplate(), Duration.ofDays(1));
        assertThat(seqs(append(restartedNode, List.of(chat("room:b", "bob"))))).containsExactly(2L);
    }

    @Test
    void purgeWithoutRetentionIsRefused() {
        StepVerifier.create(store.purgeExpired(Instant.now())).expectError(IllegalStateException.class).verify(TIMEOUT);
    }

    @Test
    void deletingARoomLeavesOtherRoomsAndRestartsItsNumbering() {
        MongoMessageStore retaining = new MongoMessageStore(fixture.template(), Duration.ofDays(30));
        append(retaining, chats("room:gone", "alice", 3));
        append(retaining, chats("room:kept", "alice", 2));
        marks.advance("room:gone", "alice", 3).block(TIMEOUT);
        marks.advance("room:kept", "alice", 2).block(TIMEOUT);

        StepVerifier.create(retaining.deleteRoom("room:gone")).expectNext(3L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(marks.deleteRoom("room:gone")).expectNext(1L).expectComplete().verify(TIMEOUT);

        assertThat(documentsOf("room:gone")).isEmpty();
        StepVerifier.create(retaining.lastSeq("room:gone")).expectNext(0L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(marks.marks("room:gone")).expectNext(Map.of()).expectComplete().verify(TIMEOUT);
        assertThat(seqs(append(retaining, chats("room:gone", "bob", 1)))).containsExactly(1L);
        assertThat(documentsOf("room:kept")).hasSize(2);
        StepVerifier.create(retaining.lastSeq("room:kept")).expectNext(2L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(marks.marks("room:kept")).expectNext(Map.of("alice", 2L)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void readMarksOnlyMoveForward() {
        StepVerifier.create(marks.advance("room:a", "alice", 5)).expectNext(5L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(marks.advance("room:a", "alice", 3)).expectNext(5L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(marks.advance("room:a", "alice", 9)).expectNext(9L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(marks.advance("room:a", "bob", 2)).expectNext(2L).expectComplete().verify(TIMEOUT);
        StepVerifier.create(marks.advance("room:b", "alice", 1)).expectNext(1L).expectComplete().verify(TIMEOUT);

        StepVerifier.create(marks.marks("room:a")).expectNext(Map.of("alice", 9L, "bob", 2L)).expectComplete().verify(TIMEOUT);
        StepVerifier.create(marks.marks("room:none")).expectNext(Map.of()).expectComplete().verify(TIMEOUT);
    }

    @Test
    void concurrentMarksFromSeveralNodesKeepTheMaximum() {
        MongoReadMarkStore otherNode = new MongoReadMarkStore(fixture.newTemplate());
        List<Long> answers = Flux.range(1, 40)
                .flatMap(i -> (i % 2 == 0 ? marks : otherNode).advance("room:a", "alice", i), 16)
                .collectList().block(TIMEOUT);

        assertThat(answers).allSatisfy(answer -> assertThat(answer).isBetween(1L, 40L));
        StepVerifier.create(marks.marks("room:a")).expectNext(Map.of("alice", 40L)).expectComplete().verify(TIMEOUT);
    }

    @Test
    void negativeMarkIsRefused() {
        StepVerifier.create(marks.advance("room:a", "alice", -1)).expectError(IllegalArgumentException.class).verify(TIMEOUT);
    }

    @Test
    void manySmallConcurrentAppendsFromOneNodeStayDense() {
        List<StoredMessage> stored = Flux.range(0, 100)
                .flatMap(i -> store.appendAll(List.of(chat("room:a", "u" + (i % 7)))), 8)
                .collectList().block(Duration.ofSeconds(60));

        Set<Long> distinct = stored.stream().map(StoredMessage::seq).collect(Collectors.toSet());
        assertThat(distinct).hasSize(100);
        assertThat(new ArrayList<>(distinct).stream().sorted().toList()).isEqualTo(oneTo(100));
    }
}
