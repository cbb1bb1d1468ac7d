package dev.signalgate.persistence.mongo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandListener;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import dev.signalgate.persistence.embedded.EmbeddedMongo;

import reactor.core.publisher.Mono;

/**
 * A database for one test: an embedded server (memory or H2 file) on a random port, or an external
 * MongoDB given by URI, and templates on the real reactive driver. Each fixture uses its own database
 * name, so tests against an external server do not see each other.
 */
final class MongoFixture implements AutoCloseable {

    private final @Nullable EmbeddedMongo server;
    private final @Nullable String externalUri;
    private final String database = "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final List<MongoClient> clients = new ArrayList<>();
    private final ReactiveMongoTemplate template;

    private MongoFixture(@Nullable EmbeddedMongo server, @Nullable String externalUri) {
        this.server = server;
        this.externalUri = externalUri;
        this.template = newTemplate();
    }

    static MongoFixture memory() {
        return new MongoFixture(EmbeddedMongo.memory().start("127.0.0.1", 0), null);
    }

    static MongoFixture file(Path dataDir) {
        return new MongoFixture(EmbeddedMongo.file(dataDir).start("127.0.0.1", 0), null);
    }

    /** @param uri a MongoDB URI without a database path, e.g. {@code mongodb://localhost:27017} */
    static MongoFixture external(String uri) {
        return new MongoFixture(null, uri);
    }

    /** The template of this fixture: one client, as one gateway node would have. */
    ReactiveMongoTemplate template() {
        return template;
    }

    /** A template on a separate client: another gateway node on the same database. */
    ReactiveMongoTemplate newTemplate() {
        MongoClient client = MongoClients.create(connectionString());
        clients.add(client);
        return new ReactiveMongoTemplate(client, database);
    }

    /** A template on a separate client whose every command is told to {@code listener}: to count round trips. */
    ReactiveMongoTemplate newTemplate(CommandListener listener) {
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(connectionString())).addCommandListener(listener).build());
        clients.add(client);
        return new ReactiveMongoTemplate(client, database);
    }

    String connectionString() {
        if (server != null) {
            return server.connectionString(database);
        }
        String uri = externalUri == null ? "" : externalUri;
        int query = uri.indexOf('?');
        String base = query < 0 ? uri : uri.substring(0, query);
        String options = query < 0 ? "" : uri.substring(query);
        return (base.endsWith("/") ? base : base + "/") + database + options;
    }

    EmbeddedMongo server() {
        if (server == null) {
            throw new IllegalStateException("an external MongoDB cannot be stopped by a test");
        }
        return server;
    }

    boolean isEmbedded() {
        return server != null;
    }

    /** Stops the embedded server: clients lose their connections, the port is released. */
    void stopServer() {
        server().stop();
    }

    /** Starts the embedded server again on the same port (and, for the file backend, the same file). */
    void startServerAgain() {
        EmbeddedMongo embedded = server();
        embedded.start("127.0.0.1", embedded.port());
    }

    @Override
    public void close() {
        if (server == null && !clients.isEmpty()) {
            Mono.from(clients.get(0).getDatabase(database).drop()).onErrorComplete().block(Duration.ofSeconds(10));
        }
        clients.forEach(MongoClient::close);
        if (server != null) {
            server.stop();
        }
    }
}
