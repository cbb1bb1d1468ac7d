package dev.signalgate.gateway.hardening;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;

/**
 * Builds the tokens of the handshake matrices: well-formed ones signed the right way, and every kind of wrong one
 * an attacker or a broken identity provider produces.
 */
final class AttackTokens {

    private AttackTokens() {
    }

    /** One row of a matrix: a name for the report and the token (possibly not a JWT at all). */
    record Case(String name, String sub, String token) {
        @Override
        public String toString() {
            return name;
        }

        /** The token's dot-separated parts worth looking for in logs (long enough to be unmistakable). */
        List<String> secretParts() {
            return java.util.Arrays.stream(token.split("\\.")).filter(part -> part.length() >= 12).toList();
        }
    }

    /** Claims that would be accepted: {@code sub}, {@code exp} in ten minutes, {@code iat} now, any room. */
    static JWTClaimsSet.Builder claims(String sub, String issuer, String audience) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().subject(sub).claim("rooms", List.of("*"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
        if (issuer != null) {
            claims.issuer(issuer);
        }
        if (audience != null) {
            claims.audience(audience);
        }
        return claims;
    }

    static JWTClaimsSet with(JWTClaimsSet.Builder claims, Consumer<JWTClaimsSet.Builder> change) {
        change.accept(claims);
        return claims.build();
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** Signs a raw JSON payload: for claims no claims builder would produce (a number for {@code sub}, …). */
    static String signRaw(JWSHeader header, String payloadJson, JWSSigner signer) {
        JWSObject jws = new JWSObject(header, new Payload(payloadJson));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jws.serialize();
    }

    static JWSSigner rsaSigner(RSAKey key) {
        try {
            return new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static JWSSigner ecSigner(ECKey key) {
        try {
            return new ECDSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static JWSSigner macSigner(byte[] secret) {
        try {
            return new MACSigner(secret);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static JWSHeader header(JWSAlgorithm algorithm, String kid) {
        return new JWSHeader.Builder(algorithm).type(JOSEObjectType.JWT).keyID(kid).build();
    }

    static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    /** A real JWE (five parts), encrypted to {@code key}: a gateway that only verifies signatures must refuse it. */
    static String encrypted(JWTClaimsSet claims, RSAKey key) {
        EncryptedJWT jwt = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A256GCM),
                claims);
        try {
            jwt.encrypt(new RSAEncrypter(key.toRSAPublicKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** The same signed token with its payload replaced: the signature is the original one. */
    static String tampered(String token, JWTClaimsSet forged) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + base64url(forged.toString()) + "." + parts[2];
    }

    /** A token with a hand-written header, HMAC-signed: for algorithm names no library would sign with. */
    static String hmacWithHeader(String headerJson, String payloadJson, byte[] secret, String macAlgorithm) {
        String signingInput = base64url(headerJson) + "." + base64url(payloadJson);
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            mac.init(new SecretKeySpec(secret, macAlgorithm));
            byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A claims set padded with a {@code pad} claim until the signed token is {@code length} characters or more. */
    static String paddedTo(int length, JWSHeader header, JWTClaimsSet.Builder claims, JWSSigner signer) {
        String token = sign(header, claims.build(), signer);
        int pad = Math.max(0, (length - token.length()) * 3 / 4);
        while (true) {
            token = sign(header, claims.claim("pad", "p".repeat(pad)).build(), signer);
            if (token.length() >= length) {
                return token;
            }
            pad++;
        }
    }

    /** The longest token not over {@code length} characters that padding reaches. */
    static String paddedAtMost(int length, JWSHeader header, JWTClaimsSet.Builder claims, JWSSigner signer) {
        String longest = sign(header, claims.build(), signer);
        for (int pad = Math.max(0, (length - longest.length()) * 3 / 4 - 64); ; pad++) {
            String token = sign(header, claims.claim("pad", "p".repeat(pad)).build(), signer);
            if (token.length() > length) {
                return longest;
            }
            longest = token;
        }
    }

    static String base64url(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Random-looking base64url junk shaped like a JWT. */
    static String junk(int seed) {
        try {
            byte[] bytes = MessageDigest.getInstance("SHA-512").digest(("junk-" + seed).getBytes(StandardCharsets.UTF_8));
            String text = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            return text.substring(0, 30) + "." + text.substring(30, 60) + "." + text.substring(60);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String json(Map<String, ?> claims) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) claims;
        return com.nimbusds.jose.util.JSONObjectUtils.toJSONString(map);
    }
}
