package dev.signalgate.gateway.dispatch;

import dev.signalgate.gateway.connection.Connection;
import dev.signalgate.gateway.connection.Frame;
import dev.signalgate.protocol.Envelope;
import dev.signalgate.protocol.FrameCodec;
import dev.signalgate.protocol.ProtocolException;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Encodes envelopes into frames and answers client frames with {@code ack} and {@code error}.
 *
 * <p>Request types (joins, leaves, sends, history) are always acknowledged, since the ack carries what the client
 * asked for; relayed types (typing, WebRTC signals) are acknowledged only when the frame carries an {@code id},
 * which keeps a stream of ICE candidates from doubling the traffic. Errors are always sent.
 */
public final class Replies {

    private final FrameCodec codec;

    public Replies(FrameCodec codec) {
        this.codec = codec;
    }

    /** Encodes an envelope once, for any number of recipients. */
    public Frame encode(Envelope envelope) {
        return Frame.essential(envelope.type(), codec.encode(envelope));
    }

    /** Encodes an envelope that may be dropped for a backed-up connection (typing indicators). */
    public Frame encodeEphemeral(Envelope envelope) {
        return Frame.ephemeral(envelope.type(), codec.encode(envelope));
    }

    /** Sends an {@code ack} answering {@code request}, with or without the request's id. */
    public void ack(Connection connection, Envelope request, ObjectNode data) {
        connection.send(encode(Envelope.ack(request.id(), data)));
    }

    /** Sends an empty {@code ack} answering {@code request}, if the client asked for one with an id. */
    public void ackIfAsked(Connection connection, Envelope request) {
        if (request.id() != null) {
            ack(connection, request, JsonNodeFactory.instance.objectNode());
        }
    }

    /** Sends the error frame for a refused request. */
    public void error(Connection connection, ProtocolException error) {
        connection.send(encode(error.toEnvelope()));
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
