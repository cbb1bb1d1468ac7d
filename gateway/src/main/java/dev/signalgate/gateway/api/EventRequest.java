package dev.signalgate.gateway.api;

import java.util.Locale;

import dev.signalgate.protocol.Namespace;
import dev.signalgate.protocol.Payloads;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of {@code POST /api/rooms/{room}/events}, validated:
 * {@code {"type":"<namespace>:<name>","data":{…},"persist":false}}.
 *
 * <ul>
 * <li>{@code type}: required, at most {@value #MAX_TYPE_LENGTH} characters, a namespace of
 * {@code A-Z a-z 0-9 _ . -}, a colon, and a name of {@code A-Z a-z 0-9 _ . : -}. The namespace is the backend's
 * own: {@code chat}, {@code webrtc} and {@code auth} are the gateway's ({@link Namespace#isReserved}).</li>
 * <li>{@code data}: a JSON object, relayed as is; absent means {@code {}} as in a WebSocket envelope.</li>
 * <li>{@code persist}: optional boolean; true stores the event in the room's history with a {@code seq}.</li>
 * </ul>
 * Unknown fields are ignored. {@code data} is the backend's: untrusted by this gateway, never logged.
 *
 * @param type the event type, as given
 * @param data the event data
 * @param persist whether to store the event
 */
public record EventRequest(String type, ObjectNode data, boolean persist) {

    public static final int MAX_TYPE_LENGTH = 128;

    /** Parses and validates a body, or throws {@link ApiException} (400) saying what was expected and what came. */
    public static EventRequest parse(byte[] body, JsonMapper mapper) {
        JsonNode root = parseJson(body, mapper);
        if (!root.isObject()) {
            throw ApiException.badRequest("expected a JSON object {\"type\":\"<namespace>:<name>\",\"data\":{…}} as"
                    + " the body, got " + Payloads.describe(root));
        }
        String type = type(root.get("type"));
        JsonNode dataNode = root.get("data");
        ObjectNode data;
        if (dataNode == null || dataNode.isNull()) {
            data = JsonNodeFactory.instance.objectNode();
        } else if (dataNode.isObject()) {
            data = (ObjectNode) dataNode;
        } else {
            throw ApiException.badRequest("data: expected a JSON object, got " + Payloads.describe(dataNode));
        }
        JsonNode persistNode = root.get("persist");
        boolean persist = false;
        if (persistNode != null && !persistNode.isNull()) {
            if (!persistNode.isBoolean()) {
                throw ApiException.badRequest("persist: expected true or false, got " + Payloads.describe(persistNode));
            }
            persist = persistNode.booleanValue();
        }
        return new EventRequest(type, data, persist);
    }

    private static JsonNode parseJson(byte[] body, JsonMapper mapper) {
        if (body.length == 0) {
            throw ApiException.badRequest("expected a JSON object {\"type\":\"<namespace>:<name>\",\"data\":{…}} as"
                    + " the body, got an empty body");
        }
        try {
            JsonNode root = mapper.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw ApiException.badRequest("expected a JSON object as the body, got nothing");
            }
            return root;
        } catch (StreamConstraintsException e) {
            throw ApiException.badRequest("body exceeds a limit: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            // The parser's own words (position, token kind), never the body itself.
            throw ApiException.badRequest("expected a JSON object as the body, got invalid JSON: "
                    + Payloads.truncate(e.getOriginalMessage()));
        }
    }

    private static String type(JsonNode node) {
        if (node == null || !node.isString() || node.stringValue().isEmpty()) {
            throw ApiException.badRequest("type: expected a string \"<namespace>:<name>\" such as \"queue:updated\","
                    + " got " + Payloads.describe(node));
        }
        String type = node.stringValue();
        if (type.length() > MAX_TYPE_LENGTH) {
            throw ApiException.badRequest("type: expected at most " + MAX_TYPE_LENGTH + " characters, got "
                    + type.length());
        }
        int colon = type.indexOf(':');
        if (colon <= 0 || colon == type.length() - 1) {
            throw ApiException.badRequest("type: expected \"<namespace>:<name>\" such as \"queue:updated\", got \""
                    + Payloads.truncate(type) + "\"");
        }
        String namespace = type.substring(0, colon);
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '.' || c == '-' || (c == ':' && i > colon);
            if (!allowed && i != colon) {
                throw ApiException.badRequest("type: expected a namespace of A-Z a-z 0-9 _ . - and a name of"
                        + " A-Z a-z 0-9 _ . : -, got " + Payloads.describeChar(c) + " at index " + i);
            }
        }
        if (Namespace.isReserved(namespace.toLowerCase(Locale.ROOT))) {
            throw ApiException.badRequest("type: the namespace \"" + namespace + "\" is reserved for the gateway's"
                    + " own events (chat:, webrtc:, auth:); publish under your own, such as \"queue:updated\"");
        }
        return type;
    }
}
