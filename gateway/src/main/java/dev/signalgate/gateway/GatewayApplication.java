package dev.signalgate.gateway;

import java.util.OptionalInt;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

import dev.signalgate.gateway.cli.ClientCommand;
import dev.signalgate.gateway.cli.Commands;
import dev.signalgate.gateway.cli.ExerciseCommand;
import dev.signalgate.gateway.cli.StoreCommand;
import dev.signalgate.gateway.cli.TokenCommand;

/**
 * The gateway's entry point. {@code java -jar gateway.jar} runs the gateway. Sub-commands: {@code token} mints a
 * token ({@link TokenCommand}), {@code store} runs the embedded store on its own ({@link StoreCommand}),
 * {@code client} is a minimal interactive WebSocket client ({@link ClientCommand}), {@code exercise} drives a
 * gateway with real clients' traffic, the training workload of the class cache ({@link ExerciseCommand});
 * {@code help} (or {@code --help}, {@code -h}) prints the usage of all of them ({@link Commands}).
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
        OptionalInt exitCode = Commands.run(args, System.getenv(), System.in, System.out, System.err);
        if (exitCode.isPresent()) {
            System.exit(exitCode.getAsInt());
        }
        SpringApplication.run(GatewayApplication.class, args);
    }
}
