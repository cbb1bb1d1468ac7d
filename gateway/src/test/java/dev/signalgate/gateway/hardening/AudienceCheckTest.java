package dev.signalgate.gateway.hardening;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.auth.JwtTokenVerifier;
import dev.signalgate.gateway.auth.TokenMinter;
import dev.signalgate.gateway.auth.TokenRefusedException;
import dev.signalgate.gateway.support.Tokens;

/**
 * {@code GATEWAY_JWT_AUDIENCE}: when set, a token's {@code aud} must contain it (contract section 1). Found while
 * building {@link JwksTokenMatrixTest}, whose context configures an audience: the verifier must be constructible
 * with one at all.
 */
class AudienceCheckTest {

    private static final byte[] SECRET = Tokens.SECRET.getBytes(StandardCharsets.UTF_8);
    private static final Duration SKEW = Duration.ofSeconds(30);

    @Test
    void aVerifierWithAnAudienceCanBeBuilt() {
        assertThatCode(() -> JwtTokenVerifier.hs256(SECRET, null, "signalgate", SKEW, 8192))
                .doesNotThrowAnyException();
    }

    @Test
    void tokenForTheConfiguredAudienceIsAcceptedAndOthersAreRefused() {
        JwtTokenVerifier verifier = JwtTokenVerifier.hs256(SECRET, "https://idp.clinic.example", "signalgate",
                SKEW, 8192);
        String ours = new TokenMinter(SECRET, "https://idp.clinic.example", "signalgate")
                .mint("alice", null, null, List.of("*"), Duration.ofMinutes(5));
        String theirs = new TokenMinter(SECRET, "https://idp.clinic.example", "billing")
                .mint("alice", null, null, List.of("*"), Duration.ofMinutes(5));
        String none = new TokenMinter(SECRET, "https://idp.clinic.example", null)
                .mint("alice", null, null, List.of("*"), Duration.ofMinutes(5));

        assertThat(verifier.verify(ours).block(Duration.ofSeconds(5)).userId()).isEqualTo("alice");
        assertThatThrownBy(() -> verifier.verify(theirs).block(Duration.ofSeconds(5)))
                .isInstanceOf(TokenRefusedException.class);
        assertThatThrownBy(() -> verifier.verify(none).block(Duration.ofSeconds(5)))
                .isInstanceOf(TokenRefusedException.class);
    }
}
