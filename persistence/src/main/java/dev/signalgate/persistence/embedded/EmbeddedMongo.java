package dev.signalgate.persistence.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Supplier;

import org.h2.mvstore.MVStore;
import org.jspecify.annotations.Nullable;

import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

/**
 * A MongoDB-wire server in this process, on mongo-java-server, with its data in one H2 file or in memory.
 *
 * <pre>{@code
 * try (EmbeddedMongo mongo = EmbeddedMongo.file(Path.of("data")).start("127.0.0.1", 27017)) {
 *     MongoClient client = MongoClients.create(mongo.connectionString("signalgate"));
 *     ...
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * {@link #start} binds and returns this; {@link #stop} closes every client connection and the data
 * store and releases the port. A stopped server can be started again, on the same port or another:
 * {@code mongo.stop(); mongo.start(host, mongo.port())}. A second {@code EmbeddedMongo.file(sameDir)}
 * may also take over the same file once the first is stopped (the file is locked while open). Start and
 * stop block for a moment (socket bind, event-loop shutdown): call them at start-up, shutdown or in
 * tests, never on an event-loop thread.
 *
 * <h2>Data</h2>
 * {@link #file} keeps everything in {@code signalgate.mv} under the directory (H2 MVStore). The store
 * commits in the background about once a second and on {@link #stop}: data survives a stop and start,
 * but a crash of the process can lose the last second of acknowledged writes. {@link #memory} loses
 * everything on {@link #stop}; each start begins empty.
 *
 * <h2>Limits</h2>
 * A single server: no replica set, so no transactions, no retryable writes, no change streams; TTL
 * indexes are accepted and listed but documents never expire; non-unique secondary indexes are accepted
 * but not used. Unique indexes answer exact queries, and on the file backend also queries on a prefix of
 * their keys with at most a numeric range on the next ({@link SortedIndexH2Backend}); other queries scan.
 * The stores do not depend on any of these for correctness.
 */
public final class EmbeddedMongo implements AutoCloseable {

    /** The H2 file under the data directory. */
    public static final String DATA_FILE = "signalgate.mv";
    /** The H2 page cache of {@link #file(Path)}, in megabytes. */
    public static final int DEFAULT_CACHE_MB = 64;

    private final Supplier<MongoBackend> backends;
    private final String description;
    private @Nullable MongoServer server;
    private @Nullable InetSocketAddress address;

    private EmbeddedMongo(Supplier<MongoBackend> backends, String description) {
        this.backends = backends;
        this.description = description;
    }

    /**
     * A server whose data lives in {@code dataDir/signalgate.mv}, with a page cache of
     * {@value #DEFAULT_CACHE_MB} MB; the directory is created if needed.
     */
    public static EmbeddedMongo file(Path dataDir) {
        return file(dataDir, DEFAULT_CACHE_MB);
    }

    /**
     * A server whose data lives in {@code dataDir/signalgate.mv}.
     *
     * @param cacheMegabytes the H2 page cache, in heap. H2's own default is 16 MB; more pays off because
     *        the backend deserializes every page it reads (index lookups on inserts, documents on
     *        queries): 64 MB gave about a third more insert throughput than 16 MB here
     */
    public static EmbeddedMongo file(Path dataDir, int cacheMegabytes) {
        Objects.requireNonNull(dataDir, "dataDir");
        if (cacheMegabytes < 1) {
            throw new IllegalArgumentException("cacheMegabytes must be at least 1, got " + cacheMegabytes);
        }
        Path file = dataDir.toAbsolutePath().resolve(DATA_FILE);
        return new EmbeddedMongo(() -> {
            try {
                Files.createDirectories(file.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the data directory " + file.getParent(), e);
            }
            return new SortedIndexH2Backend(new MVStore.Builder().fileName(file.toString()).cacheSize(cacheMegabytes).open());
        }, "H2 file " + file);
    }

    /** A server whose data lives in memory and is lost on {@link #stop}. */
    public static EmbeddedMongo memory() {
        return new EmbeddedMongo(MemoryBackend::new, "memory");
    }

    /**
     * Opens the data store and listens.
     *
     * @param host the address to bind, e.g. {@code "127.0.0.1"}
     * @param port the port, or 0 for a free one (see {@link #port()})
     * @return this
     * @throws IllegalStateException if already started
     */
    public synchronized EmbeddedMongo start(String host, int port) {
        Objects.requireNonNull(host, "host");
        if (server != null) {
            throw new IllegalStateException("embedded MongoDB (" + description + ") already listens on " + address);
        }
        MongoBackend backend = backends.get();
        MongoServer started = new MongoServer(backend);
        try {
            started.bind(host, port);
        } catch (RuntimeException e) {
            backend.close();
            throw new IllegalStateException("embedded MongoDB (" + description + ") cannot listen on " + host + ":" + port, e);
        }
        this.server = started;
        this.address = started.getLocalAddress();
        return this;
    }

    /** The port listened on, or last listened on when stopped. */
    public synchronized int port() {
        if (address == null) {
            throw new IllegalStateException("embedded MongoDB (" + description + ") was never started");
        }
        return address.getPort();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * {@code mongodb://HOST:PORT/DATABASE}, where HOST is 127.0.0.1 when the server listens on all
     * addresses or on loopback.
     */
    public synchronized String connectionString(String database) {
        int port = port();
        InetAddress bound = Objects.requireNonNull(address).getAddress();
        String host = bound == null || bound.isAnyLocalAddress() || bound.isLoopbackAddress()
                ? "127.0.0.1"
                : bound.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return "mongodb://" + host + ":" + port + "/" + database;
    }

    /** Closes all client connections and the data store, and releases the port. Harmless when stopped. */
    public synchronized void stop() {
        MongoServer running = server;
        server = null;
        if (running != null) {
            running.shutdownNow();
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public synchronized String toString() {
        return "EmbeddedMongo(" + description + (server == null ? ", stopped" : ", " + address) + ")";
    }
}
