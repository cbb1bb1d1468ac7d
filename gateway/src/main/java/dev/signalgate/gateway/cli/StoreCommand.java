package dev.signalgate.gateway.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import dev.signalgate.persistence.embedded.EmbeddedMongo;

/**
 * {@code java -jar gateway.jar store [--port 27017] [--host 127.0.0.1] [--data-dir ./data]}: runs the embedded
 * MongoDB-wire store on its own, so that several gateway nodes on one machine can share it
 * ({@code SPRING_MONGODB_URI=mongodb://127.0.0.1:27017/signalgate}). Stops on SIGTERM or Ctrl-C.
 */
public final class StoreCommand {

    static final String USAGE = """
            usage: java -jar gateway.jar store [--port 27017] [--host 127.0.0.1] [--data-dir ./data]
              Runs the embedded MongoDB-wire store on its own, so that several gateways on one machine
              share it (SPRING_MONGODB_URI=mongodb://127.0.0.1:27017/signalgate). --data-dir defaults to
              GATEWAY_DATA_DIR, else ./data. Stops on Ctrl-C or SIGTERM.""";

    private StoreCommand() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (Usage.asksForHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        Map<String, String> options;
        try {
            options = Options.parse(args, "--port", "--host", "--data-dir");
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        int port = Integer.parseInt(options.getOrDefault("--port", "27017"));
        String host = options.getOrDefault("--host", "127.0.0.1");
        Path dataDir = Path.of(options.getOrDefault("--data-dir", env.getOrDefault("GATEWAY_DATA_DIR", "./data")));
        EmbeddedMongo store = EmbeddedMongo.file(dataDir).start(host, port);
        out.println("embedded store listening: " + store.connectionString("signalgate"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            store.stop();
            stopped.countDown();
        }, "store-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
