package dev.signalgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.signalgate.gateway.auth.DevSecret;
import dev.signalgate.gateway.auth.JwtTokenVerifier;
import dev.signalgate.gateway.auth.UserPrincipal;
import dev.signalgate.gateway.support.Tokens;

class TokenCommandTest {

    @TempDir
    Path dataDir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void mintsATokenTheGatewayAcceptsWithTheConfiguredSecret() {
        int code = run(Map.of("GATEWAY_JWT_SECRET", Tokens.SECRET),
                "--sub", "alice", "--name", "Alice", "--role", "doctor", "--rooms", "consult-*, lobby", "--ttl", "10m");

        assertThat(code).isZero();
        UserPrincipal principal = verifier(Tokens.SECRET).verify(out.toString(StandardCharsets.UTF_8).trim()).block();
        assertThat(principal.userId()).isEqualTo("alice");
        assertThat(principal.name()).isEqualTo("Alice");
        assertThat(principal.role()).isEqualTo("doctor");
        assertThat(principal.rooms().allows("consult-42")).isTrue();
        assertThat(principal.rooms().allows("lobby")).isTrue();
        assertThat(principal.rooms().allows("other")).isFalse();
    }

    @Test
    void withoutASecretItSignsWithTheDevelopmentSecretOfTheGatewayAndSaysWhichFile() {
        String gatewaySecret = DevSecret.loadOrCreate(dataDir); // what a gateway started on this data dir did

        int code = run(Map.of("GATEWAY_DATA_DIR", dataDir.toString()), "--sub", "bob", "--rooms", "*");

        assertThat(code).isZero();
        assertThat(verifier(gatewaySecret).verify(out.toString(StandardCharsets.UTF_8).trim()).block().userId())
                .isEqualTo("bob");
        assertThat(stderr()).contains("development secret in "
                + dataDir.resolve(DevSecret.FILE_NAME).toAbsolutePath().normalize());
    }

    @Test
    void withoutASecretFileItCreatesNoneAndSaysWhereTheGatewayKeepsIt() {
        int code = run(Map.of("GATEWAY_DATA_DIR", dataDir.toString()), "--sub", "bob", "--rooms", "*");

        assertThat(code).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(stderr()).contains("no development secret at "
                + dataDir.resolve(DevSecret.FILE_NAME).toAbsolutePath().normalize(), "GATEWAY_DATA_DIR");
        assertThat(Files.exists(dataDir.resolve(DevSecret.FILE_NAME))).isFalse();
    }

    @Test
    void withoutRoomsItWarnsThatTheTokenCanJoinNoRoom() {
        int code = run(Map.of("GATEWAY_JWT_SECRET", Tokens.SECRET), "--sub", "carol");

        assertThat(code).isZero();
        assertThat(stderr()).contains("warning: no --rooms: this token can join no room");
        UserPrincipal principal = verifier(Tokens.SECRET).verify(out.toString(StandardCharsets.UTF_8).trim()).block();
        assertThat(principal.rooms().allows("lobby")).isFalse();
    }

    @Test
    void refusesAShortSecretAndMissingSub() {
        assertThat(run(Map.of("GATEWAY_JWT_SECRET", "short"), "--sub", "alice")).isEqualTo(2);
        assertThat(run(Map.of("GATEWAY_JWT_SECRET", Tokens.SECRET), "--rooms", "*")).isEqualTo(2);
        assertThat(run(Map.of("GATEWAY_JWT_SECRET", Tokens.SECRET), "--sub")).isEqualTo(2);
        assertThat(run(Map.of("GATEWAY_JWT_SECRET", Tokens.SECRET), "--bogus", "x")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage:");
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private int run(Map<String, String> env, String... args) {
        return TokenCommand.run(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static JwtTokenVerifier verifier(String secret) {
        return JwtTokenVerifier.hs256(secret.getBytes(StandardCharsets.UTF_8), null, null, Duration.ofSeconds(30),
                8192);
    }
}
