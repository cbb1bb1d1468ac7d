package dev.signalgate.protocol.payload;

import dev.signalgate.protocol.FrameLimits;
import dev.signalgate.protocol.Payloads;
import tools.jackson.databind.node.ObjectNode;

/**
 * The data of {@code chat:send_message}.
 *
 * @param tempId the client's idempotency key for this message (1 to 64 characters)
 * @param body the text, at most {@link FrameLimits#maxBodyBytes()} UTF-8 bytes
 * @param meta an opaque object passed through and stored (end-to-end encrypted payloads travel here), or null
 */
public record SendMessage(String tempId, String body, ObjectNode meta) {

    public static SendMessage from(ObjectNode data, FrameLimits limits) {
        return new SendMessage(
                Payloads.requiredString(data, "tempId", FrameLimits.MAX_TEMP_ID_LENGTH),
                Payloads.requiredText(data, "body", limits.maxBodyBytes()),
                Payloads.optionalObject(data, "meta"));
    }
}
