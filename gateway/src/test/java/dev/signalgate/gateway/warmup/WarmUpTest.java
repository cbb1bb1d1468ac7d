package dev.signalgate.gateway.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.mongodb.core.ReactiveMongoTemplate;
import org.springframework.data.mongodb.core.query.Criteria;
import org.springframework.data.mongodb.core.query.Query;

import dev.signalgate.gateway.auth.SigningKeys;
import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.gateway.support.GatewayTest;
import dev.signalgate.gateway.support.LogFlush;
import dev.signalgate.persistence.mongo.MongoMessageStore;
import dev.signalgate.persistence.mongo.MongoReadMarkStore;

/**
 * The gateway warms itself up before it reports UP: connections churned and joined, the exercise's traffic
 * answered without an error, and nothing of it left in the store or the audit trail. Run against the shared test
 * gateway (whose own warm-up is off, as in every in-JVM test), with warm-ups of the test's own.
 */
@GatewayTest
@ExtendWith(OutputCaptureExtension.class)
class WarmUpTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final GatewayProperties.WarmUp SMALL =
            new GatewayProperties.WarmUp(true, 200, 4, Duration.ofSeconds(1), WAIT);
    private static final Pattern DONE = Pattern.compile(
            "warm-up done in \\d+ ms: (\\d+) connections joined in \\d+ ms \\((\\d+) failed\\); exercise done: .*"
                    + " (\\d+) errors; (\\d+) stored messages deleted");

    @Autowired
    ConfigurableApplicationContext context;
    @Autowired
    SigningKeys keys;
    @Autowired
    MongoMessageStore messages;
    @Autowired
    MongoReadMarkStore readMarks;
    @Autowired
    ReactiveMongoTemplate template;

    @Test
    void aWarmUpIsOutOfServiceUntilDoneAndLeavesNothingBehind(CapturedOutput output) {
        String prefix = WarmUpRooms.PREFIX + "test-";
        WarmUp warmUp = new WarmUp(SMALL, keys.minter(), messages, readMarks, prefix);
        assertThat(warmUp.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

        warmUp.onApplicationEvent(ready());

        assertThat(warmUp.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        await().atMost(WAIT).until(() -> Status.UP.equals(warmUp.health().getStatus()));
        LogFlush.awaitLogged(output, "warm-up done");
        Matcher done = DONE.matcher(output.getAll());
        assertThat(done.find()).as("the warm-up's report in:%n%s", output.getAll()).isTrue();
        assertThat(done.group(1)).as("connections joined").isEqualTo("200");
        assertThat(done.group(2)).as("connections failed").isEqualTo("0");
        assertThat(done.group(3)).as("exercise errors").isEqualTo("0");
        assertThat(Long.parseLong(done.group(4))).as("stored messages deleted").isPositive();
        assertThat(storedUnder(prefix, "messages")).isZero();
        assertThat(storedUnder(prefix, "read_marks")).isZero();
        LogFlush.awaitWritten(output);
        assertThat(output.getAll()).doesNotContain("joined room=" + prefix).doesNotContain("left room=" + prefix);
    }

    @Test
    void aGatewayWithoutASecretOfItsOwnSkipsTheWarmUp(CapturedOutput output) {
        WarmUp warmUp = new WarmUp(SMALL, null, messages, readMarks, WarmUpRooms.PREFIX);

        warmUp.onApplicationEvent(ready());

        assertThat(warmUp.health().getStatus()).isEqualTo(Status.UP);
        LogFlush.awaitLogged(output, "warm-up skipped: tokens are verified with JWKS keys");
    }

    @Test
    void warmUpNamesOutsideTheProcessNamespaceAreRefused() {
        assertThatIllegalArgumentException().isThrownBy(() ->
                new WarmUp(SMALL, keys.minter(), messages, readMarks, "consult-"));
        assertThat(WarmUpRooms.owns("consult-42")).isFalse();
        assertThat(WarmUpRooms.owns(WarmUpRooms.NAMESPACE + "0000000000000000-lobby")).isFalse();
    }

    @Test
    void clientsComeInPairs() {
        assertThatIllegalArgumentException().isThrownBy(() ->
                new GatewayProperties.WarmUp(true, 200, 3, Duration.ofSeconds(1), WAIT))
                .withMessageContaining("even");
    }

    private ApplicationReadyEvent ready() {
        return new ApplicationReadyEvent(new SpringApplication(), new String[0], context, Duration.ZERO);
    }

    private long storedUnder(String prefix, String collection) {
        // The prefix is letters, digits and dashes: nothing to escape.
        Query query = new Query(Criteria.where("room").regex("^" + prefix));
        return template.count(query, collection).block(WAIT);
    }
}
