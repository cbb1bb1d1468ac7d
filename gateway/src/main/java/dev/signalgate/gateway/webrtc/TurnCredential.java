package dev.signalgate.gateway.webrtc;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A TURN credential in the TURN REST scheme that coturn implements with {@code use-auth-secret}: the username is
 * {@code <expiry in epoch seconds>:<userId>}, the credential is base64(HMAC-SHA1(secret, username)). The TURN
 * server recomputes the HMAC with the same shared secret and refuses the username once its expiry has passed, so
 * the gateway hands out credentials without telling the TURN server anything.
 *
 * @param username {@code <expiry epoch seconds>:<userId>}
 * @param credential the base64 HMAC-SHA1 of the username, keyed with the shared secret
 * @param expiresAt when the TURN server stops accepting it
 */
record TurnCredential(String username, String credential, Instant expiresAt) {

    private static final String HMAC_SHA1 = "HmacSHA1";

    /** The credential of {@code userId} valid until {@code expiresAt}, signed with {@code secret}. */
    static TurnCredential mint(byte[] secret, String userId, Instant expiresAt) {
        String username = expiresAt.getEpochSecond() + ":" + userId;
        return new TurnCredential(username, sign(secret, username), expiresAt);
    }

    private static String sign(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance(HMAC_SHA1);
            mac.init(new SecretKeySpec(secret, HMAC_SHA1));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            // Every Java platform ships HmacSHA1: this cannot happen on a working JVM.
            throw new IllegalStateException("HmacSHA1 is not available", e);
        }
    }
}
