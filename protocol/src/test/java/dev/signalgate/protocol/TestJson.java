package dev.signalgate.protocol;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Helpers shared by the protocol tests: readable frames and a plain Jackson mapper independent of the codec. */
public final class TestJson {

    /** A mapper with Jackson's defaults, to read what the codec wrote without trusting the codec. */
    public static final JsonMapper PLAIN = JsonMapper.builder().build();

    private TestJson() {
    }

    /** JSON written with single quotes for readability: {@code q("{'type':'ack'}")}. */
    public static String q(String singleQuoted) {
        return singleQuoted.replace('\'', '"');
    }

    /** Parses a single-quoted JSON object into an {@link ObjectNode}. */
    public static ObjectNode object(String singleQuoted) {
        return (ObjectNode) PLAIN.readTree(q(singleQuoted));
    }

    /** Parses encoded bytes back with the plain mapper. */
    public static JsonNode parse(byte[] utf8) {
        return PLAIN.readTree(utf8);
    }

    /** The encoded bytes as text. */
    public static String text(byte[] utf8) {
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
