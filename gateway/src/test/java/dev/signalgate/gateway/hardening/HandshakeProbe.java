package dev.signalgate.gateway.hardening;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Sends one WebSocket upgrade request on a plain socket, with the token exactly as given (no client library
 * trims, re-encodes or refuses it), and reads the answer: the status, and the body of a refusal. An accepted
 * upgrade (101) is closed again at once.
 */
final class HandshakeProbe {

    private static final int TIMEOUT_MILLIS = 10_000;

    /** The gateway's answer to one upgrade request; {@code retryAfter} null when it had no such header. */
    record Answer(int status, String body, String retryAfter) {
        boolean upgraded() {
            return status == 101;
        }
    }

    private HandshakeProbe() {
    }

    /** The token in {@code Authorization: Bearer <token>}. */
    static Answer withHeader(int port, String token) {
        return send(port, "/ws", "Authorization: Bearer " + token + "\r\n");
    }

    /** The token in the {@code access_token} query parameter, URL-encoded as a browser would. */
    static Answer withQuery(int port, String token) {
        return send(port, "/ws?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), "");
    }

    private static Answer send(int port, String target, String extraHeaders) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            String request = "GET " + target + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + port + "\r\n"
                    + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + extraHeaders + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(9, 12));
            if (status == 101) {
                return new Answer(status, "", null);
            }
            int length = contentLength(head);
            return new Answer(status, length > 0 ? new String(in.readNBytes(length), StandardCharsets.UTF_8) : "",
                    header(head, "retry-after"));
        } catch (IOException e) {
            throw new UncheckedIOException("upgrade request failed", e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while (matched < 4 && (b = in.read()) != -1) {
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    private static int contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }
}
