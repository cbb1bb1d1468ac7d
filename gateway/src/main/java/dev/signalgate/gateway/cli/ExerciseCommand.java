package dev.signalgate.gateway.cli;

import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

import org.springframework.boot.convert.DurationStyle;

import dev.signalgate.gateway.auth.SigningKeys;
import dev.signalgate.gateway.auth.TokenMinter;

/**
 * {@code java -jar gateway.jar exercise --url ws://127.0.0.1:8080/ws [--secret <HS256 secret>] [--seconds 15]
 * [--clients 40] [--rate 300] [--wait 60s]}: drives a gateway with the traffic of real clients for a while, then
 * leaves and closes cleanly (see {@link Exercise} and {@link ExerciseClient} for what is sent). It is the
 * training workload of {@code gateway/bin/prepare-launch}: run in a process of its own, so that only the gateway's
 * side of the traffic goes into the gateway's class cache and method profiles. The gateway also runs the same
 * traffic on itself, in-process, as part of its warm-up ({@code dev.signalgate.gateway.warmup.WarmUp}), which the
 * training run turns off for the same reason.
 *
 * <p>Tokens are minted with {@code --secret}, else {@code GATEWAY_JWT_SECRET} ({@code GATEWAY_JWT_ISSUER} and
 * {@code GATEWAY_JWT_AUDIENCE} are added when set), with the {@code rooms} claim {@code exercise-*}. It prints one
 * summary line, {@code exercise done: …, 0 errors}, and answers 0; or, when the gateway refused a connection,
 * answered a frame with an error, failed a message, closed a connection or left something unanswered,
 * {@code exercise failed: …} with the first problems, and 1.
 */
public final class ExerciseCommand {

    static final String USAGE = """
            usage: java -jar gateway.jar exercise [--url ws://127.0.0.1:8080/ws] [--secret <HS256 secret>]
                                                  [--seconds 15] [--clients 40] [--rate 300] [--wait 60s]
              Drives a running gateway like real clients: pairs of users (doctor, patient) join a
              consultation and a shared lobby, send messages (stored, confirmed, retried), typing,
              read marks, history requests, WebRTC offers, answers and candidates, a token refresh,
              leave and resume with since, for --seconds at about --rate frames/s in all; then leave
              and close. Tokens are signed with --secret, else GATEWAY_JWT_SECRET. Waits up to --wait
              for /actuator/health. Prints a summary; exits 1 if the gateway refused or failed anything.
              gateway/bin/prepare-launch runs it as the training workload of the class cache.""";

    private ExerciseCommand() {
    }

    public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (Usage.asksForHelp(args)) {
            out.println(USAGE);
            return 0;
        }
        URI url;
        String secret;
        int seconds;
        int clients;
        int rate;
        Duration wait;
        try {
            Map<String, String> options = Options.parse(args, "--url", "--secret", "--seconds", "--clients",
                    "--rate", "--wait");
            String shown = options.getOrDefault("--url", "ws://127.0.0.1:8080/ws");
            url = URI.create(shown);
            if (url.getHost() == null || !("ws".equals(url.getScheme()) || "wss".equals(url.getScheme()))) {
                throw new IllegalArgumentException("--url " + shown + ": expected ws://host:port/ws or wss://…");
            }
            secret = options.getOrDefault("--secret", env.get("GATEWAY_JWT_SECRET"));
            if (secret == null || secret.isEmpty()) {
                throw new IllegalArgumentException("--secret is required (or GATEWAY_JWT_SECRET): the gateway's"
                        + " HS256 secret, to sign the exercise's tokens");
            }
            if (secret.getBytes(StandardCharsets.UTF_8).length < SigningKeys.MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("the secret must be at least " + SigningKeys.MIN_SECRET_BYTES
                        + " bytes");
            }
            seconds = positive(options, "--seconds", 15);
            clients = positive(options, "--clients", 40);
            if (clients % 2 != 0) {
                throw new IllegalArgumentException("--clients must be even: they come in pairs, one per call");
            }
            rate = positive(options, "--rate", 300);
            wait = DurationStyle.detectAndParse(options.getOrDefault("--wait", "60s"));
        } catch (IllegalArgumentException | DateTimeParseException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (rate > clients * Exercise.MAX_RATE_PER_CONNECTION) {
            err.println("warning: --rate " + rate + " is more than " + Exercise.MAX_RATE_PER_CONNECTION
                    + " frames/s per connection, the most this sends under the gateway's rate limit: add --clients");
        }
        TokenMinter minter = new TokenMinter(secret.getBytes(StandardCharsets.UTF_8), env.get("GATEWAY_JWT_ISSUER"),
                env.get("GATEWAY_JWT_AUDIENCE"));
        ExerciseTally tally;
        try {
            tally = new Exercise(url, minter, Exercise.COMMAND_PREFIX, clients, rate, Duration.ofSeconds(seconds),
                    wait, out).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("exercise failed: interrupted");
            return 1;
        }
        out.println(tally.summary(clients, seconds));
        if (tally.errors() > 0) {
            err.println("exercise failed: " + tally.errors() + " errors; the first:");
            tally.problems().forEach(problem -> err.println("  " + problem));
            return 1;
        }
        return 0;
    }

    private static int positive(Map<String, String> options, String name, int otherwise) {
        String value = options.get(name);
        if (value == null) {
            return otherwise;
        }
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(name + " expects a positive whole number, got " + value);
    }
}
