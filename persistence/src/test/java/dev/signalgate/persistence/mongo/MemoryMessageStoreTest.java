package dev.signalgate.persistence.mongo;

import java.nio.file.Path;

/** The store contract on the embedded server's memory backend. */
class MemoryMessageStoreTest extends AbstractMessageStoreTest {

    @Override
    MongoFixture createFixture(Path tempDir) {
        return MongoFixture.memory();
    }
}
