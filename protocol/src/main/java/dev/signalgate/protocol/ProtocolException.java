package dev.signalgate.protocol;

/**
 * A client frame, or one of its fields, that the gateway refuses. It carries the contract's {@link ErrorCode}, a
 * message that says what was expected and what came, and the frame's correlation {@code id} when one could be
 * read, so that the error frame can answer it.
 */
public final class ProtocolException extends RuntimeException {

    private final ErrorCode code;
    private final String correlationId;

    public ProtocolException(ErrorCode code, String message, String correlationId) {
        super(message, null, false, false);
        this.code = code;
        this.correlationId = correlationId;
    }

    public ProtocolException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@code id} of the refused frame, or null when the frame had none or it could not be read. */
    public String correlationId() {
        return correlationId;
    }

    /** This error answering the frame with the given id. */
    public ProtocolException withCorrelationId(String id) {
        return new ProtocolException(code, getMessage(), id);
    }

    /** The error frame that answers the refused client frame. */
    public Envelope toEnvelope() {
        return Envelope.error(correlationId, code, getMessage());
    }
}
