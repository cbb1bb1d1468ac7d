package dev.signalgate.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandsTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "help"})
    void helpPrintsTheUsageOfTheServerAndOfEverySubCommandAndStartsNothing(String flag) {
        OptionalInt code = run(flag);

        assertThat(code).hasValue(0);
        assertThat(stdout()).contains("usage: java -jar gateway.jar [--<property>=<value> ...]",
                "usage: java -jar gateway.jar token", "usage: java -jar gateway.jar client",
                "usage: java -jar gateway.jar store", "usage: java -jar gateway.jar exercise",
                "usage: java -jar gateway.jar help");
    }

    @Test
    void helpAfterServerSettingsStillOnlyPrintsTheUsage() {
        assertThat(run("--server.port=9000", "--help")).hasValue(0);
        assertThat(stdout()).contains("usage: java -jar gateway.jar token");
    }

    @Test
    void anUnknownSubCommandIsNamedAndGetsTheUsageInsteadOfAGateway() {
        OptionalInt code = run("tokne", "--sub", "alice");

        assertThat(code).hasValue(2);
        assertThat(stderr()).startsWith("unknown sub-command: tokne")
                .contains("usage: java -jar gateway.jar token", "usage: java -jar gateway.jar client");
    }

    @Test
    void aStrayArgumentAfterServerSettingsIsRefused() {
        assertThat(run("--server.port=9000", "-x")).hasValue(2);
        assertThat(stderr()).contains("unknown argument: -x");
    }

    @Test
    void serverSettingsOrNothingStartTheGateway() {
        assertThat(run()).isEmpty();
        assertThat(run("--server.port=9000", "--gateway.data-dir=/tmp/x")).isEmpty();
        assertThat(stdout()).isEmpty();
        assertThat(stderr()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"token", "client", "store"})
    void eachSubCommandPrintsItsOwnUsageForHelp(String command) {
        assertThat(run(command, "--help")).hasValue(0);
        assertThat(stdout()).startsWith("usage: java -jar gateway.jar " + command);
    }

    private OptionalInt run(String... args) {
        return Commands.run(args, Map.of(), new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
