package dev.signalgate.persistence.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;

import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

class EmbeddedMongoTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path tempDir;

    private static Mono<Long> count(EmbeddedMongo mongo) {
        return Mono.usingWhen(Mono.fromSupplier(() -> MongoClients.create(mongo.connectionString("db"))),
                client -> Mono.from(collection(client).countDocuments()),
                client -> Mono.fromRunnable(client::close));
    }

    private static Mono<Void> insertOne(EmbeddedMongo mongo, String value) {
        return Mono.usingWhen(Mono.fromSupplier(() -> MongoClients.create(mongo.connectionString("db"))),
                client -> Mono.from(collection(client).insertOne(new Document("value", value))).then(),
                client -> Mono.fromRunnable(client::close));
    }

    private static MongoCollection<Document> collection(MongoClient client) {
        return client.getDatabase("db").getCollection("things");
    }

    @Test
    void startsOnARandomPortAndNamesItInTheConnectionString() {
        try (EmbeddedMongo mongo = EmbeddedMongo.memory().start("127.0.0.1", 0)) {
            assertThat(mongo.port()).isPositive();
            assertThat(mongo.isRunning()).isTrue();
            assertThat(mongo.connectionString("signalgate")).isEqualTo("mongodb://127.0.0.1:" + mongo.port() + "/signalgate");
            StepVerifier.create(insertOne(mongo, "a").then(count(mongo))).expectNext(1L).expectComplete().verify(TIMEOUT);
        }
    }

    @Test
    void startingTwiceIsRefused() {
        try (EmbeddedMongo mongo = EmbeddedMongo.memory().start("127.0.0.1", 0)) {
            assertThatThrownBy(() -> mongo.start("127.0.0.1", 0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already listens");
        }
    }

    @Test
    void fileBackendKeepsDataAcrossAStopAndStartOnTheSamePort() {
        try (EmbeddedMongo mongo = EmbeddedMongo.file(tempDir.resolve("nested/data")).start("127.0.0.1", 0)) {
            int port = mongo.port();
            StepVerifier.create(insertOne(mongo, "a").then(insertOne(mongo, "b"))).expectComplete().verify(TIMEOUT);

            mongo.stop();
            assertThat(mongo.isRunning()).isFalse();
            assertThat(tempDir.resolve("nested/data").resolve(EmbeddedMongo.DATA_FILE)).exists();
            mongo.start("127.0.0.1", port);

            assertThat(mongo.port()).isEqualTo(port);
            StepVerifier.create(count(mongo)).expectNext(2L).expectComplete().verify(TIMEOUT);
        }
    }

    @Test
    void anotherInstanceCanTakeOverTheFileAndThePortOnceTheFirstIsStopped() {
        EmbeddedMongo first = EmbeddedMongo.file(tempDir).start("127.0.0.1", 0);
        int port = first.port();
        StepVerifier.create(insertOne(first, "a")).expectComplete().verify(TIMEOUT);
        first.stop();

        try (EmbeddedMongo second = EmbeddedMongo.file(tempDir).start("127.0.0.1", port)) {
            StepVerifier.create(count(second)).expectNext(1L).expectComplete().verify(TIMEOUT);
        }
    }

    @Test
    void memoryBackendStartsEmptyAfterAStop() {
        try (EmbeddedMongo mongo = EmbeddedMongo.memory().start("127.0.0.1", 0)) {
            StepVerifier.create(insertOne(mongo, "a")).expectComplete().verify(TIMEOUT);
            mongo.stop();
            mongo.start("127.0.0.1", mongo.port());

            StepVerifier.create(count(mongo)).expectNext(0L).expectComplete().verify(TIMEOUT);
        }
    }

    @Test
    void stopIsHarmlessWhenStoppedAndPortNeedsAStart() {
        EmbeddedMongo mongo = EmbeddedMongo.memory();
        mongo.stop();
        assertThatThrownBy(mongo::port).isInstanceOf(IllegalStateException.class).hasMessageContaining("never started");
    }
}
