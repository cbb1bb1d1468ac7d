package dev.signalgate.gateway.auth;

/**
 * A token the gateway does not accept. The message says why in words safe to show the client and to log: it
 * never contains the token or any part of it.
 */
public final class TokenRefusedException extends RuntimeException {

    public TokenRefusedException(String message) {
        super(message, null, false, false);
    }
}
