package dev.signalgate.gateway.cli;

/**
 * The jar's usage text: the server and every sub-command, printed by {@code --help}, {@code -h}, {@code help} and
 * for an unknown sub-command. Each sub-command prints its own part for {@code <command> --help} and bad options.
 */
public final class Usage {

    static final String SERVER = """
            usage: java -jar gateway.jar [--<property>=<value> ...]
              Runs the gateway (WebSocket endpoint /ws, publish API /api, demo page /demo/).
              Settings come from environment variables or --property=value arguments, for example
              SERVER_PORT=8080, GATEWAY_DATA_DIR=./data, GATEWAY_JWT_SECRET=<32+ bytes>,
              GATEWAY_ALLOWED_ORIGINS=https://app.example, SPRING_MONGODB_URI=mongodb://..., or
              --server.port=9000. With no GATEWAY_JWT_SECRET and no JWKS it runs in development mode:
              a random secret in <data dir>/dev-jwt-secret, tokens from the token sub-command or GET /dev/token.""";

    private Usage() {
    }

    /** The whole text: the server, then each sub-command. */
    public static String full() {
        return SERVER + "\n\n"
                + "sub-commands (java -jar gateway.jar <command> --help for one of them):\n\n"
                + TokenCommand.USAGE + "\n\n"
                + ClientCommand.USAGE + "\n\n"
                + ExerciseCommand.USAGE + "\n\n"
                + StoreCommand.USAGE + "\n\n"
                + "usage: java -jar gateway.jar help\n"
                + "  Prints this text (also --help, -h).";
    }

    /** Whether the arguments ask for help: {@code --help} or {@code -h} anywhere. */
    static boolean asksForHelp(String[] args) {
        for (String arg : args) {
            if ("--help".equals(arg) || "-h".equals(arg)) {
                return true;
            }
        }
        return false;
    }
}
