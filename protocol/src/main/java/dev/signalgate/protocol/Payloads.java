package dev.signalgate.protocol;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads typed fields out of a frame's JSON with error messages that say which field, what was expected and what
 * came: {@code data.tempId: expected a string of 1 to 64 characters, got a number}.
 */
public final class Payloads {

    private static final int ECHO_LIMIT = 40;

    private Payloads() {
    }

    /** A short description of a JSON value for error messages: "a number", "an array", "nothing", … */
    public static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return switch (node.getNodeType()) {
            case NULL -> "null";
            case BOOLEAN -> "a boolean";
            case NUMBER -> node.isIntegralNumber() ? "the number " + truncate(node.asString()) : "a decimal number";
            case STRING -> node.stringValue().isEmpty() ? "an empty string"
                    : "a string of " + node.stringValue().length()
                            + (node.stringValue().length() == 1 ? " character" : " characters");
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> "an unsupported value";
        };
    }

    /** A character for an error message: itself in quotes when visible ASCII, else its code point, {@code U+0009}. */
    public static String describeChar(char c) {
        return c >= 0x21 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    /** Echoes client text into an error message, cut short so an error frame never grows with the input. */
    public static String truncate(String text) {
        if (text.length() <= ECHO_LIMIT) {
            return text;
        }
        // Never cut a surrogate pair in half: strict JSON readers refuse a lone surrogate.
        int end = Character.isHighSurrogate(text.charAt(ECHO_LIMIT - 1)) ? ECHO_LIMIT - 1 : ECHO_LIMIT;
        return text.substring(0, end) + "…";
    }

    /** An optional string field of at most {@code maxLength} characters; absent or null gives null. */
    public static String optionalString(ObjectNode object, String field, int maxLength) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isString() || node.stringValue().isEmpty() || node.stringValue().length() > maxLength) {
            throw badField(field, "a string of 1 to " + maxLength + " characters", node);
        }
        return node.stringValue();
    }

    /** A required string field of 1 to {@code maxLength} characters. */
    public static String requiredString(ObjectNode object, String field, int maxLength) {
        String value = optionalString(object, field, maxLength);
        if (value == null) {
            throw badField(field, "a string of 1 to " + maxLength + " characters", object.get(field));
        }
        return value;
    }

    /** A required string of at most {@code maxBytes} UTF-8 bytes; may be empty. */
    public static String requiredText(ObjectNode object, String field, int maxBytes) {
        JsonNode node = object.get(field);
        if (node == null || !node.isString()) {
            throw badField(field, "a string", node);
        }
        String text = node.stringValue();
        // Cheap bound first: a UTF-8 byte is at least one char's worth, so only long strings need counting.
        if (text.length() > maxBytes / 3 && text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "data." + field + ": expected at most " + maxBytes + " bytes of UTF-8, got "
                            + text.getBytes(StandardCharsets.UTF_8).length);
        }
        return text;
    }

    /** An optional non-negative integer field; absent or null gives null. */
    public static Long optionalNonNegativeLong(ObjectNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            throw badField(field, "a non-negative integer", node);
        }
        return node.asLong();
    }

    /** A required non-negative integer field. */
    public static long requiredNonNegativeLong(ObjectNode object, String field) {
        Long value = optionalNonNegativeLong(object, field);
        if (value == null) {
            throw badField(field, "a non-negative integer", object.get(field));
        }
        return value;
    }

    /** An optional integer field within {@code [min, max]}, or {@code fallback} when absent. */
    public static int optionalInt(ObjectNode object, String field, int min, int max, int fallback) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isIntegralNumber() || !node.canConvertToInt() || node.asInt() < min || node.asInt() > max) {
            throw badField(field, "an integer from " + min + " to " + max, node);
        }
        return node.asInt();
    }

    /** An optional object field; absent or null gives null. */
    public static ObjectNode optionalObject(ObjectNode object, String field) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw badField(field, "a JSON object", node);
        }
        return (ObjectNode) node;
    }

    private static ProtocolException badField(String field, String expected, JsonNode got) {
        return new ProtocolException(ErrorCode.BAD_REQUEST,
                "data." + field + ": expected " + expected + ", got " + describe(got));
    }
}
