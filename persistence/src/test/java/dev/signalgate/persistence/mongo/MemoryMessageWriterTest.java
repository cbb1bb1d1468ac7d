package dev.signalgate.persistence.mongo;

import java.nio.file.Path;

/** The writer on the embedded memory backend: a restart begins with an empty database. */
class MemoryMessageWriterTest extends AbstractMessageWriterTest {

    @Override
    MongoFixture createFixture(Path tempDir) {
        return MongoFixture.memory();
    }

    @Override
    boolean keepsDataAcrossRestarts() {
        return false;
    }
}
