package dev.signalgate.persistence.mongo;

import java.nio.file.Path;

import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The store contract on a real MongoDB, when {@code SIGNALGATE_TEST_MONGODB_URI} is set (for example
 * {@code mongodb://localhost:27017/?w=majority}). Each test uses and drops its own database.
 */
@EnabledIfEnvironmentVariable(named = "SIGNALGATE_TEST_MONGODB_URI", matches = ".+")
class ExternalMongoMessageStoreTest extends AbstractMessageStoreTest {

    @Override
    MongoFixture createFixture(Path tempDir) {
        return MongoFixture.external(System.getenv("SIGNALGATE_TEST_MONGODB_URI"));
    }
}
