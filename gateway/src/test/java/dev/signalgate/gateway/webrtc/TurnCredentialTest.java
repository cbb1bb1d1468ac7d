package dev.signalgate.gateway.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import dev.signalgate.gateway.config.GatewayProperties;
import tools.jackson.databind.JsonNode;

class TurnCredentialTest {

    private static final String SECRET = "north-wind-turn-secret";
    private static final Clock FIXED = Clock.fixed(Instant.ofEpochSecond(1_700_000_000L), ZoneOffset.UTC);

    @Test
    void credentialIsTheBase64HmacSha1OfTheUsernameKeyedWithTheSecret() {
        TurnCredential credential = TurnCredential.mint(SECRET.getBytes(StandardCharsets.UTF_8), "patient-7",
                Instant.ofEpochSecond(1_700_003_600L));

        assertThat(credential.username()).isEqualTo("1700003600:patient-7");
        // Computed apart from the JVM: printf %s '1700003600:patient-7' | openssl dgst -sha1 -hmac <secret> -binary | base64
        assertThat(credential.credential()).isEqualTo("SrbN86OnYNWJISLozVV0p+U0EpQ=");
        assertThat(credential.expiresAt()).isEqualTo(Instant.ofEpochSecond(1_700_003_600L));
    }

    @Test
    void iceServersMintTurnCredentialsThatExpireOneTtlFromNow() throws Exception {
        IceServers servers = new IceServers(new GatewayProperties.Turn(List.of("stun:s.example:3478"),
                List.of("turn:t.example:3478"), SECRET, Duration.ofHours(1)), FIXED);

        JsonNode turn = servers.forUser("patient-7").get(1);

        String username = turn.path("username").asString();
        assertThat(username).matches("\\d+:patient-7").isEqualTo("1700003600:patient-7");
        assertThat(turn.path("credential").asString()).isEqualTo(hmacSha1Base64(SECRET, username));
    }

    @Test
    void aUserIdWithColonsKeepsThemAfterTheExpiry() throws Exception {
        IceServers servers = new IceServers(new GatewayProperties.Turn(List.of(), List.of("turn:t.example:3478"),
                SECRET, Duration.ofMinutes(10)), FIXED);

        JsonNode turn = servers.forUser("clinic:7:dr-who").get(0);

        assertThat(turn.path("username").asString()).isEqualTo("1700000600:clinic:7:dr-who");
        assertThat(turn.path("credential").asString()).isEqualTo(hmacSha1Base64(SECRET, "1700000600:clinic:7:dr-who"));
    }

    @Test
    void stunAndTurnComeAsTwoEntriesShapedLikeRtcIceServers() {
        IceServers servers = new IceServers(new GatewayProperties.Turn(List.of("stun:a:3478", "stun:b:3478"),
                List.of("turn:t:3478?transport=udp", "turns:t:5349"), SECRET, Duration.ofHours(1)), FIXED);

        JsonNode list = servers.forUser("doctor");

        assertThat(servers.configured()).isTrue();
        assertThat(servers.mintsCredentials()).isTrue();
        assertThat(list.size()).isEqualTo(2);
        assertThat(list.get(0).toString()).isEqualTo("{\"urls\":[\"stun:a:3478\",\"stun:b:3478\"]}");
        assertThat(list.get(1).path("urls").toString()).isEqualTo("[\"turn:t:3478?transport=udp\",\"turns:t:5349\"]");
        assertThat(list.get(1).has("username")).isTrue();
        assertThat(list.get(1).has("credential")).isTrue();
    }

    @Test
    void withoutASecretThereIsNoTurnEntry() {
        IceServers servers = new IceServers(new GatewayProperties.Turn(List.of("stun:a:3478"),
                List.of("turn:t:3478"), null, Duration.ofHours(1)), FIXED);

        assertThat(servers.mintsCredentials()).isFalse();
        assertThat(servers.forUser("doctor").toString()).isEqualTo("[{\"urls\":[\"stun:a:3478\"]}]");
    }

    @Test
    void withNothingConfiguredThereIsNothingToHandOut() {
        IceServers servers = new IceServers(new GatewayProperties.Turn(List.of(), List.of(), null,
                Duration.ofHours(1)), FIXED);

        assertThat(servers.configured()).isFalse();
        assertThat(servers.forUser("doctor").isEmpty()).isTrue();
    }

    @Test
    void credentialsAreRefreshedAtEightyPercentOfTheirLifetime() {
        IceServers servers = new IceServers(new GatewayProperties.Turn(List.of(), List.of("turn:t:3478"), SECRET,
                Duration.ofHours(1)), FIXED);

        assertThat(servers.refreshEvery()).isEqualTo(Duration.ofMinutes(48));
    }

    @Test
    void aTtlBelowOneSecondIsRefused() {
        assertThatThrownBy(() -> new IceServers(new GatewayProperties.Turn(List.of(), List.of(), SECRET,
                Duration.ofMillis(500)), FIXED)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.turn.ttl");
    }

    private static String hmacSha1Base64(String secret, String message) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return Base64.getEncoder().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    }
}
