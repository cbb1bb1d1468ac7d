package dev.signalgate.gateway.api;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.web.reactive.function.server.ServerRequest;

import dev.signalgate.protocol.Payloads;

/**
 * The optional {@code Idempotency-Key} header of {@code POST /api/rooms/{room}/events}: 1 to
 * {@value #MAX_LENGTH} visible ASCII characters, chosen by the backend, the same on every retry of one event.
 * The key is the backend's, scoped to its token's user id and the room, as a chat message's {@code tempId}
 * is scoped to its sender and room.
 */
final class IdempotencyKeys {

    static final String HEADER = "Idempotency-Key";
    static final int MAX_LENGTH = 128;

    private IdempotencyKeys() {
    }

    /** The request's key, or null without the header; {@link ApiException} (400) for a malformed one. */
    static @Nullable String of(ServerRequest request) {
        List<String> values = request.headers().header(HEADER);
        if (values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw ApiException.badRequest(HEADER + ": expected one header, got " + values.size());
        }
        String key = values.get(0);
        if (key.isEmpty() || key.length() > MAX_LENGTH) {
            throw ApiException.badRequest(HEADER + ": expected 1 to " + MAX_LENGTH + " characters, got "
                    + key.length());
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                throw ApiException.badRequest(HEADER + ": expected visible ASCII characters, got "
                        + Payloads.describeChar(c) + " at index " + i);
            }
        }
        return key;
    }
}
