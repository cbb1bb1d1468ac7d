package dev.signalgate.gateway.warmup;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;

import dev.signalgate.gateway.auth.HandshakeFilter;
import dev.signalgate.gateway.auth.TokenMinter;
import dev.signalgate.gateway.cli.Exercise;
import dev.signalgate.gateway.cli.ExerciseTally;
import dev.signalgate.gateway.config.GatewayProperties;
import dev.signalgate.persistence.mongo.MongoMessageStore;
import dev.signalgate.persistence.mongo.MongoReadMarkStore;
import reactor.core.publisher.Flux;

/**
 * Warms the gateway up on its own loopback port before it reports UP, so that the first real clients meet compiled
 * code instead of the interpreter: a restarted node is reconnected to by all its clients at once. Once the server
 * listens, a thread of its own runs, as clients of this very gateway:
 * <ol>
 *   <li>a churn of short connections ({@code gateway.warm-up.connections}, default 2,000): upgrade with a token,
 *       welcome, join, close ({@link ConnectChurn});</li>
 *   <li>the traffic of the {@code exercise} sub-command for {@code gateway.warm-up.traffic} (default 3 s) with
 *       {@code gateway.warm-up.clients} connections (default 40): stored messages and their confirmations, typing,
 *       read marks, history, resume, WebRTC signals, token refresh;</li>
 *   <li>the deletion of every message and read mark it stored.</li>
 * </ol>
 * Its users and rooms are named by {@link WarmUpRooms} (a random nonce per process), carry no client data, and are
 * left out of the audit trail; its tokens are signed with the gateway's own HS256 secret, so a gateway that only
 * verifies JWKS-signed tokens cannot warm itself up and says so.
 *
 * <p>As a health indicator it is {@code OUT_OF_SERVICE} (503) until the warm-up is done, failed, or ran past
 * {@code gateway.warm-up.timeout} (default 30 s): readiness is delayed, never withheld. Connections arriving in
 * the meantime are served as usual.
 */
public final class WarmUp implements ApplicationListener<ApplicationReadyEvent>, HealthIndicator {

    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);
    private static final int CHURN_CONCURRENCY = 64;
    private static final int CHURN_ROOM_SIZE = 10;
    private static final Duration TOKEN_LIFETIME = Duration.ofMinutes(10);

    private final GatewayProperties.WarmUp settings;
    private final TokenMinter minter;
    private final MongoMessageStore messages;
    private final MongoReadMarkStore readMarks;
    private final String prefix;
    private volatile boolean done;
    private volatile long deadlineNanos = Long.MAX_VALUE;

    /**
     * @param minter signs the warm-up's tokens; null when the gateway holds no HS256 secret (no warm-up then)
     * @param prefix of every user and room of the warm-up: {@link WarmUpRooms#PREFIX}, or a longer name under it
     */
    public WarmUp(GatewayProperties.WarmUp settings, TokenMinter minter, MongoMessageStore messages,
            MongoReadMarkStore readMarks, String prefix) {
        if (!WarmUpRooms.owns(prefix)) {
            throw new IllegalArgumentException("the warm-up's names must start with " + WarmUpRooms.PREFIX);
        }
        this.settings = settings;
        this.minter = minter;
        this.messages = messages;
        this.readMarks = readMarks;
        this.prefix = prefix;
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (minter == null) {
            log.info("warm-up skipped: tokens are verified with JWKS keys, and the gateway holds no secret to sign"
                    + " its own");
            done = true;
            return;
        }
        if (!(event.getApplicationContext() instanceof WebServerApplicationContext web)
                || web.getWebServer().getPort() <= 0) {
            done = true;
            return;
        }
        URI url = URI.create("ws://127.0.0.1:" + web.getWebServer().getPort() + HandshakeFilter.WS_PATH);
        deadlineNanos = System.nanoTime() + settings.timeout().toNanos();
        Thread thread = new Thread(() -> run(url), "warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public Health health() {
        return done || System.nanoTime() - deadlineNanos > 0 ? Health.up().build() : Health.outOfService().build();
    }

    private void run(URI url) {
        long started = System.nanoTime();
        try {
            ConnectChurn.Outcome churn = new ConnectChurn(url,
                    index -> token(prefix + "churn-" + index, index % 2 == 0),
                    index -> prefix + "churn-" + index / CHURN_ROOM_SIZE)
                    .run(settings.connections(), CHURN_CONCURRENCY, settings.timeout());
            long churned = System.nanoTime();
            Exercise exercise = new Exercise(url, minter, prefix, settings.clients(),
                    settings.clients() * Exercise.MAX_RATE_PER_CONNECTION, settings.traffic(), settings.timeout(),
                    new PrintStream(OutputStream.nullOutputStream()));
            ExerciseTally tally = exercise.runNow();
            long deleted = forget(exercise.rooms());
            long compiling = JitQuiet.await(deadlineNanos);
            log.info("warm-up done in {} ms: {} connections joined in {} ms ({} failed{}); {}; {} stored messages"
                    + " deleted; the JIT quiet {} ms later", millisSince(started), churn.joined(),
                    (churned - started) / 1_000_000, churn.failed(),
                    churn.firstFailure() == null ? "" : ", first: " + churn.firstFailure(),
                    tally.summary(settings.clients(), settings.traffic().toSeconds()), deleted, compiling);
            if (churn.failed() > 0) {
                log.warn("warm-up: {} of its {} connections failed; the first: {}", churn.failed(),
                        settings.connections(), churn.firstFailure());
            }
            if (tally.errors() > 0) {
                log.warn("warm-up traffic met {} problems; the first: {}", tally.errors(), tally.problems());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("warm-up failed after {} ms: {}", millisSince(started), e.toString());
        } finally {
            done = true;
        }
    }

    /**
     * With and without the optional claims ({@code name}, {@code role}), as clients' tokens come: code compiled
     * for claims the warm-up never sent would be thrown away and compiled again when the first real ones arrive.
     */
    private String token(String user, boolean named) {
        return minter.mint(user, named ? "Warm-up" : null, named ? "doctor" : null, List.of(prefix + "*"),
                TOKEN_LIFETIME);
    }

    /** Deletes what the warm-up stored; answers how many messages. */
    private long forget(List<String> rooms) {
        Long deleted = Flux.fromIterable(rooms)
                .concatMap(room -> readMarks.deleteRoom(room).then(messages.deleteRoom(room)))
                .reduce(0L, Long::sum)
                .block(settings.timeout());
        return deleted == null ? 0 : deleted;
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
