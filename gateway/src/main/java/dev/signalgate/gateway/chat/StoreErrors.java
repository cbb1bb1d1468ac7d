package dev.signalgate.gateway.chat;

import dev.signalgate.protocol.ErrorCode;
import dev.signalgate.protocol.ProtocolException;

/** Store failures as the client sees them: {@code unavailable}, worth retrying later. */
final class StoreErrors {

    private StoreErrors() {
    }

    static Throwable unavailable(Throwable failure) {
        return failure instanceof ProtocolException ? failure
                : new ProtocolException(ErrorCode.UNAVAILABLE, "the message store is unavailable; retry later");
    }
}
