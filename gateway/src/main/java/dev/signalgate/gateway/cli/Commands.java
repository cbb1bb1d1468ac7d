package dev.signalgate.gateway.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Decides what {@code java -jar gateway.jar <args>} does before Spring starts: a sub-command, the usage text, or
 * (answering empty) the server. Anything that is not {@code --property=value} and not a known sub-command prints the
 * usage and never starts a gateway: a typo must not open a second server on the same store.
 */
public final class Commands {

    private Commands() {
    }

    /**
     * Runs the sub-command the arguments name.
     *
     * @return the process exit code, or empty when the arguments are the server's own and the gateway should start
     */
    public static OptionalInt run(String[] args, Map<String, String> env, InputStream in, PrintStream out,
            PrintStream err) {
        if (args.length == 0) {
            return OptionalInt.empty();
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "token" -> OptionalInt.of(TokenCommand.run(rest, env, out, err));
            case "store" -> OptionalInt.of(StoreCommand.run(rest, env, out, err));
            case "client" -> OptionalInt.of(ClientCommand.run(rest, in, out, err));
            case "exercise" -> OptionalInt.of(ExerciseCommand.run(rest, env, out, err));
            case "help", "--help", "-h" -> {
                out.println(Usage.full());
                yield OptionalInt.of(0);
            }
            default -> serverOrUnknown(args, out, err);
        };
    }

    private static OptionalInt serverOrUnknown(String[] args, PrintStream out, PrintStream err) {
        if (Usage.asksForHelp(args)) {
            out.println(Usage.full());
            return OptionalInt.of(0);
        }
        for (String arg : args) {
            // Spring Boot's command-line properties are --name or --name=value; nothing else belongs to the server.
            if (!arg.startsWith("--") || arg.length() == 2) {
                err.println(args[0].equals(arg) && !arg.startsWith("-")
                        ? "unknown sub-command: " + arg
                        : "unknown argument: " + arg + " (server settings are --property=value)");
                err.println();
                err.println(Usage.full());
                return OptionalInt.of(2);
            }
        }
        return OptionalInt.empty();
    }
}
