package dev.signalgate.gateway;

import java.util.Arrays;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.signalgate.gateway.cli.ClientCommand;
import dev.signalgate.gateway.cli.StoreCommand;
import dev.signalgate.gateway.cli.TokenCommand;

/**
 * The gateway's entry point. {@code java -jar gateway.jar} runs the gateway. Sub-commands: {@code token} mints a
 * token ({@link TokenCommand}), {@code store} runs the embedded store on its own ({@link StoreCommand}),
 * {@code client} is a minimal interactive WebSocket client ({@link ClientCommand}).
 */
@SpringBootApplication(excludeName = {
        // Redis is for cluster mode only (dev.signalgate.gateway.cluster, on with spring.data.redis.url): a single
        // node must create no Redis bean, never try localhost:6379, and keep Redis out of its health.
        "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.health.DataRedisHealthContributorAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.health.DataRedisReactiveHealthContributorAutoConfiguration",
        "org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration"})
public class GatewayApplication {

    public static void main(String[] args) {
        if (args.length > 0) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "token" -> System.exit(TokenCommand.run(rest, System.getenv(), System.out, System.err));
                case "store" -> System.exit(StoreCommand.run(rest, System.getenv(), System.out, System.err));
                case "client" -> System.exit(ClientCommand.run(rest, System.out, System.err));
                default -> {
                    // Anything else is Spring Boot's own arguments (--server.port=…).
                }
            }
        }
        SpringApplication.run(GatewayApplication.class, args);
    }
}
