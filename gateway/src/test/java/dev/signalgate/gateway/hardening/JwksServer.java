package dev.signalgate.gateway.hardening;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real JWKS endpoint on loopback that can fail the ways a key server does: not listening at all (before
 * {@link #start()}), answering 500, or accepting the request and never answering in time.
 */
final class JwksServer implements AutoCloseable {

    enum Mode {
        UP, ERROR, HANG
    }

    private final int port;
    private final AtomicInteger requests = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private volatile HttpServer server;
    private volatile Mode mode = Mode.UP;
    private volatile JWKSet keys = new JWKSet();
    private volatile CountDownLatch hung = new CountDownLatch(1);

    private JwksServer(int port) {
        this.port = port;
    }

    /** A server on a port that was free a moment ago, not listening yet: its URI is unreachable until started. */
    static JwksServer onFreePort() {
        try (ServerSocket probe = new ServerSocket(0)) {
            return new JwksServer(probe.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + port + "/jwks.json");
    }

    void start() {
        try {
            HttpServer started = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
            started.setExecutor(threads);
            started.createContext("/jwks.json", this::answer);
            started.start();
            server = started;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + port, e);
        }
    }

    /** Changes how later requests are answered, and lets go of any request held by {@link Mode#HANG}. */
    void mode(Mode next, JWKSet served) {
        keys = served;
        mode = next;
        CountDownLatch previous = hung;
        hung = new CountDownLatch(1);
        previous.countDown();
    }

    /** Requests received so far, whatever they were answered. */
    int requests() {
        return requests.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            switch (mode) {
                case UP -> {
                    byte[] body = keys.toString(true).getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                }
                case ERROR -> exchange.sendResponseHeaders(500, -1);
                case HANG -> {
                    try {
                        // Far past the gateway's read timeout; let go when the mode changes or the test ends.
                        hung.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.sendResponseHeaders(503, -1);
                }
            }
        }
    }

    @Override
    public void close() {
        hung.countDown();
        if (server != null) {
            server.stop(0);
        }
        threads.shutdownNow();
    }
}
