package dev.signalgate.protocol;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Decodes one client frame into a validated {@link Envelope}, and encodes outbound envelopes to UTF-8 bytes.
 *
 * <p>Decoding validates everything the contract says about the envelope (section 3) and nothing about a type's
 * {@code data}: each handler reads its own payload with {@link Payloads}. A refused frame raises a
 * {@link ProtocolException} carrying the frame's {@code id} whenever a valid one could be read first, so the
 * error frame answers the right request. Duplicate keys are refused (two parsers could otherwise disagree on
 * which value counts) and so is trailing content after the object.
 *
 * <p>Encoding writes the fields in a fixed order with a streaming generator, without reflection: the gateway
 * encodes each envelope once per fan-out and hands the same bytes to every member.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class FrameCodec {

    private final JsonMapper mapper;
    private final FrameLimits limits;

    public FrameCodec(FrameLimits limits) {
        this.limits = limits;
        StreamReadConstraints constraints = StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNestingDepth())
                .maxStringLength(limits.maxStringLength())
                .maxNameLength(limits.maxNameLength())
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(constraints)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        // Decimals as BigDecimal: opaque payloads (SDP, E2E metadata) must come out with the value they went in
        // with, and a double would round 0.1000000000000000055511151231257827 or turn 1e400 into Infinity.
        this.mapper = JsonMapper.builder(factory)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .build();
    }

    public FrameCodec() {
        this(FrameLimits.defaults());
    }

    public FrameLimits limits() {
        return limits;
    }

    /** The mapper this codec parses with, configured with its limits; for payloads decoded elsewhere. */
    public JsonMapper mapper() {
        return mapper;
    }

    /**
     * Decodes and validates one client text frame.
     *
     * @throws ProtocolException with {@link ErrorCode#BAD_REQUEST} or {@link ErrorCode#UNKNOWN_TYPE}
     */
    public Envelope decode(String text) {
        JsonNode root = parse(text);
        if (!root.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "expected a JSON object as the frame, got " + Payloads.describe(root));
        }
        String id = readId(root.get("id"));
        try {
            return decodeFields((ObjectNode) root, id);
        } catch (ProtocolException e) {
            throw e.withCorrelationId(id);
        }
    }

    private JsonNode parse(String text) {
        try {
            JsonNode root = mapper.readTree(text);
            if (root == null || root.isMissingNode()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, "expected a JSON object as the frame, got nothing");
            }
            return root;
        } catch (StreamConstraintsException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "frame exceeds a limit: " + e.getOriginalMessage());
        } catch (JacksonException e) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "frame is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String readId(JsonNode id) {
        if (id == null || id.isNull()) {
            return null;
        }
        if (!id.isString() || id.stringValue().isEmpty() || id.stringValue().length() > FrameLimits.MAX_ID_LENGTH) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "id: expected a string of 1 to " + FrameLimits.MAX_ID_LENGTH + " characters, got "
                            + Payloads.describe(id));
        }
        return id.stringValue();
    }

    private static String readTo(JsonNode to) {
        if (to == null || to.isNull()) {
            return null;
        }
        if (!to.isString() || to.stringValue().isEmpty()
                || to.stringValue().length() > FrameLimits.MAX_USER_ID_LENGTH) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "to: expected a string of 1 to "
                    + FrameLimits.MAX_USER_ID_LENGTH + " characters, got " + Payloads.describe(to));
        }
        return to.stringValue();
    }

    private Envelope decodeFields(ObjectNode root, String id) {
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isString() || typeNode.stringValue().isEmpty()) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "type: expected a string such as \"chat:send_message\", got " + Payloads.describe(typeNode));
        }
        String type = typeNode.stringValue();
        EventType eventType = EventType.fromWireName(type);
        if (eventType == null || !eventType.clientSendable()) {
            throw new ProtocolException(ErrorCode.UNKNOWN_TYPE, "unknown type \"" + Payloads.truncate(type)
                    + "\": expected a chat:… or webrtc:… type that clients may send");
        }
        JsonNode roomNode = root.get("room");
        String room = null;
        if (roomNode != null && !roomNode.isNull() || eventType.needsRoom()) {
            if (roomNode == null || !roomNode.isString()) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST,
                        "room: expected a room id string, got " + Payloads.describe(roomNode));
            }
            room = roomNode.stringValue();
            if (!RoomIds.isValid(room)) {
                throw new ProtocolException(ErrorCode.BAD_REQUEST, RoomIds.explain(room));
            }
        }
        String to = readTo(root.get("to"));
        JsonNode dataNode = root.get("data");
        ObjectNode data;
        if (dataNode == null || dataNode.isNull()) {
            data = null;
        } else if (dataNode.isObject()) {
            data = (ObjectNode) dataNode;
        } else {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    "data: expected a JSON object, got " + Payloads.describe(dataNode));
        }
        return new Envelope(type, id, room, to, null, null, data);
    }

    /**
     * Encodes an outbound envelope as UTF-8 JSON: {@code type}, {@code id}, {@code room}, {@code from},
     * {@code seq}, {@code data}, omitting absent fields. {@code to} is never sent to clients.
     */
    public byte[] encode(Envelope envelope) {
        EncodeBuffer out = EncodeBuffer.forThisThread();
        try (JsonGenerator g = mapper.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("type", envelope.type());
            if (envelope.id() != null) {
                g.writeStringProperty("id", envelope.id());
            }
            if (envelope.room() != null) {
                g.writeStringProperty("room", envelope.room());
            }
            if (envelope.from() != null) {
                g.writeStringProperty("from", envelope.from());
            }
            if (envelope.seq() != null) {
                g.writeNumberProperty("seq", envelope.seq());
            }
            g.writeName("data");
            g.writeTree(envelope.data());
            g.writeEndObject();
        }
        return out.toByteArray();
    }
}
