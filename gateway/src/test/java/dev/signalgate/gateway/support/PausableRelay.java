package dev.signalgate.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on loopback in front of a server (the embedded store), for chaos tests: {@link #pause()} stops
 * forwarding bytes in both directions without closing anything, the way a stalled database or a network that
 * drops packets without a reset looks to a client; {@link #resume()} forwards what was held back and carries on.
 * Bytes read while paused are kept, never dropped: a write the client sent during a pause reaches the server
 * after it, as a write that timed out on the client's side may still land.
 *
 * <p>Plain blocking sockets, two threads per connection: test code, far from any event loop.
 */
public final class PausableRelay implements AutoCloseable {

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Object gate = new Object();
    private boolean paused;
    private volatile boolean closed;

    private PausableRelay(InetSocketAddress target) throws IOException {
        this.target = target;
        this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "relay-accept-" + listener.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A relay from a fresh loopback port to {@code host:port}. */
    public static PausableRelay to(String host, int port) {
        try {
            return new PausableRelay(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("relay could not listen", e);
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Stops forwarding; connections stay open and new ones are accepted (and held) too. */
    public void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    /** Forwards again, starting with what was held back. */
    public void resume() {
        synchronized (gate) {
            paused = false;
            gate.notifyAll();
        }
    }

    @Override
    public void close() {
        closed = true;
        resume();
        closeQuietly(listener);
        sockets.forEach(PausableRelay::closeQuietly);
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target, 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(server);
                pump(client, server, "up");
                pump(server, client, "down");
            } catch (IOException e) {
                if (!closed) {
                    // A refused connection to the target: the client sees its socket closed, and tries again.
                    continue;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    awaitOpen();
                    out.write(buffer, 0, read);
                    out.flush();
                }
                // A half-close, passed on: the other side still gets to answer what it was sent.
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "relay-" + direction + "-" + from.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitOpen() throws InterruptedException {
        synchronized (gate) {
            while (paused && !closed) {
                gate.wait();
            }
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
