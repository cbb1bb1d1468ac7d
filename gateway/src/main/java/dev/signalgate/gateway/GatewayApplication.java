package dev.signalgate.gateway;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.signalgate.gateway.cli.TokenCommand;

/**
 * The gateway's entry point. {@code java -jar gateway.jar} runs the gateway; {@code java -jar gateway.jar token …}
 * mints a token (see {@link TokenCommand}).
 */
@SpringBootApplication
public class GatewayApplication {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(TokenCommand.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.out,
                    System.err));
        }
        SpringApplication.run(GatewayApplication.class, args);
    }
}
