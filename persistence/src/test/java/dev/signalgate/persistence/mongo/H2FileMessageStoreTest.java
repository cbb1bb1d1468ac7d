package dev.signalgate.persistence.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.signalgate.persistence.StoredMessage;
import dev.signalgate.persistence.embedded.EmbeddedMongo;

import reactor.test.StepVerifier;

/** The store contract on the embedded server's H2 file backend, plus durability across restarts. */
class H2FileMessageStoreTest extends AbstractMessageStoreTest {

    @Override
    MongoFixture createFixture(Path tempDir) {
        return MongoFixture.file(tempDir.resolve("data"));
    }

    @Test
    void dataSurvivesAStopAndStartOfTheServer() {
        List<StoredMessage> before = append(chats("room:a", "alice", 5));
        StepVerifier.create(marks.advance("room:a", "alice", 4)).expectNext(4L).expectComplete().verify(TIMEOUT);

        fixture.stopServer();
        assertThat(tempDir.resolve("data").resolve(EmbeddedMongo.DATA_FILE)).satisfies(file -> assertThat(Files.size(file)).isPositive());
        fixture.startServerAgain();

        MongoMessageStore restartedNode = new MongoMessageStore(fixture.newTemplate());
        assertThat(restartedNode.after("room:a", 0, 10).collectList().block(TIMEOUT)).isEqualTo(before);
        assertThat(seqs(append(restartedNode, chats("room:a", "bob", 2)))).containsExactly(6L, 7L);
        StepVerifier.create(new MongoReadMarkStore(fixture.newTemplate()).marks("room:a"))
                .expectNext(Map.of("alice", 4L)).expectComplete().verify(TIMEOUT);
        // the indexes survive too: a retry is still recognised
        assertThat(append(restartedNode, List.of(chat("room:a", "alice", before.get(0).tempId())))).containsExactly(before.get(0));
    }
}
