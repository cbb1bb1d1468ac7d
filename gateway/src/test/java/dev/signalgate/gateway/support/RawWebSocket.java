package dev.signalgate.gateway.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A WebSocket client written by hand on a plain socket, for what well-behaved clients never do: never answer a
 * ping, never read, go silent after the upgrade, write frames back to back without waiting for any answer. It
 * reads nothing unless asked ({@link #readText()}); left alone after the upgrade, it is like a phone that lost
 * its network.
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
    }

    /** Connects and completes the upgrade; fails unless the gateway answers 101. */
    public static RawWebSocket upgrade(int port, String token) throws IOException {
        return upgrade(port, token, 0);
    }

    /**
     * Connects with the given socket receive buffer (0: the system's, which grows), and completes the upgrade.
     * A small fixed buffer makes a client that stops reading back up the gateway sooner.
     */
    public static RawWebSocket upgrade(int port, String token, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        if (receiveBufferBytes > 0) {
            socket.setReceiveBufferSize(receiveBufferBytes);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), (int) TestClient.TIMEOUT.toMillis());
        socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis());
        String request = "GET /ws?access_token=" + token + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + port + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        String response = readHeaders(socket.getInputStream());
        if (!response.startsWith("HTTP/1.1 101")) {
            socket.close();
            throw new IOException("upgrade refused: " + response.lines().findFirst().orElse(""));
        }
        return new RawWebSocket(socket);
    }

    /** A plain TCP connection that sends nothing at all. */
    public static Socket silent(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) TestClient.TIMEOUT.toMillis() * 2);
        return socket;
    }

    /** Sends one masked text frame, as clients must, and flushes it. */
    public void sendText(String text) throws IOException {
        writeText(text);
        out.flush();
    }

    /** Writes one masked text frame into the socket's buffer, flushed when full or by {@link #flush()}. */
    public void writeText(String text) throws IOException {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
    }

    public void flush() throws IOException {
        out.flush();
    }

    /**
     * The next text frame from the server, skipping pings; fails on a close frame, a fragmented frame (the
     * gateway sends none) or when nothing comes within the socket timeout.
     */
    public String readText() throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            long length = second & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            int opcode = first & 0x0f;
            if (opcode == 0x8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1;
                throw new IOException("closed by the server with " + code);
            }
            if ((first & 0x80) == 0) {
                throw new IOException("unexpected fragmented frame, opcode " + opcode);
            }
            if (opcode == 0x1) {
                return new String(payload, StandardCharsets.UTF_8);
            }
        }
    }

    /** Whether the gateway has closed the TCP connection (reads until end of stream, within the socket timeout). */
    public boolean awaitClosedByServer() {
        try {
            byte[] buffer = new byte[8192];
            while (in.read(buffer) >= 0) {
                // Discard frames (welcome, pings, the close frame) until the server hangs up.
            }
            return true;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("reset");
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            headers.append((char) b);
            if (headers.length() >= 4 && headers.substring(headers.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return headers.toString();
    }
}
