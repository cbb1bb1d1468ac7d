package dev.signalgate.persistence.mongo;

import java.nio.file.Path;

/**
 * The store contract on a real MongoDB: {@code SIGNALGATE_TEST_MONGODB_URI=mongodb://localhost:27017/?w=majority
 * mvn -pl persistence verify -Pexternal-mongo}. Each test uses and drops its own database. Outside that profile it
 * does not run; inside it, a missing URI fails the run rather than skipping it.
 */
class ExternalMongoMessageStoreIT extends AbstractMessageStoreTest {

    @Override
    MongoFixture createFixture(Path tempDir) {
        String uri = System.getenv("SIGNALGATE_TEST_MONGODB_URI");
        if (uri == null || uri.isBlank()) {
            throw new IllegalStateException("set SIGNALGATE_TEST_MONGODB_URI to a MongoDB to test against,"
                    + " e.g. mongodb://localhost:27017/?w=majority");
        }
        return MongoFixture.external(uri);
    }
}
