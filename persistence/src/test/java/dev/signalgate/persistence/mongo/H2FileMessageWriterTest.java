package dev.signalgate.persistence.mongo;

import java.nio.file.Path;

/** The writer on the embedded H2 file backend: a restart reopens the same file. */
class H2FileMessageWriterTest extends AbstractMessageWriterTest {

    @Override
    MongoFixture createFixture(Path tempDir) {
        return MongoFixture.file(tempDir.resolve("data"));
    }

    @Override
    boolean keepsDataAcrossRestarts() {
        return true;
    }
}
