package dev.signalgate.gateway.cli;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.signalgate.gateway.auth.TokenMinter;

/**
 * The run of the {@code exercise} sub-command, in phases that each have a deadline: wait for the gateway's health,
 * open every connection, join, send traffic for the given time, wait until every request is answered and every
 * message confirmed, leave, close with 1000. Connections come in pairs, the doctor and the patient of one
 * consultation room ({@code <prefix>consult-<n>}), and all of them share {@code <prefix>lobby}; users are
 * {@code <prefix>doctor-<n>} and {@code <prefix>patient-<n>}, and their tokens may join {@code <prefix>*}. The
 * sub-command's prefix is {@value #COMMAND_PREFIX}; the gateway's own warm-up runs it in-process with a prefix of
 * its own ({@link #runNow()}: it cannot wait for a health that only turns UP once it is done).
 */
public final class Exercise {

    /** The prefix of the {@code exercise} sub-command's rooms and users. */
    public static final String COMMAND_PREFIX = "exercise-";

    /** A connection's frames per second stay below the gateway's default rate limit (50/s). */
    public static final int MAX_RATE_PER_CONNECTION = 40;
    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final Duration STEP = Duration.ofMillis(100);

    private final URI url;
    private final String shownUrl;
    private final TokenMinter minter;
    private final String prefix;
    private final int clients;
    private final int rate;
    private final Duration traffic;
    private final Duration wait;
    private final PrintStream out;
    private final ExerciseTally tally = new ExerciseTally();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(ExerciseClient.TIMEOUT).build();

    public Exercise(URI url, TokenMinter minter, String prefix, int clients, int rate, Duration traffic,
            Duration wait, PrintStream out) {
        this.url = url;
        this.shownUrl = url.toString();
        this.minter = minter;
        this.prefix = prefix;
        this.clients = clients;
        this.rate = rate;
        this.traffic = traffic;
        this.wait = wait;
        this.out = out;
    }

    /**
     * Runs every phase once the gateway is healthy; answers the tally, with a problem for each thing that went
     * wrong.
     */
    ExerciseTally run() throws InterruptedException {
        String refused = awaitHealthy();
        if (refused != null) {
            tally.problem(refused);
            return tally;
        }
        return runNow();
    }

    /** Runs every phase but the wait for health; answers the tally. */
    public ExerciseTally runNow() throws InterruptedException {
        List<ExerciseClient> connections = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int pair = i / 2;
            boolean doctor = i % 2 == 0;
            String user = prefix + (doctor ? "doctor-" : "patient-") + pair;
            String partner = prefix + (doctor ? "patient-" : "doctor-") + pair;
            connections.add(new ExerciseClient(user, partner, doctor, consultRoom(pair), lobbyRoom(),
                    () -> token(user, doctor), tally));
        }
        try {
            if (!open(connections)) {
                return tally;
            }
            out.println("exercise: " + clients + " connections open to " + shownUrl + ", joining");
            connections.forEach(ExerciseClient::join);
            if (!settle(connections, "the joins")) {
                return tally;
            }
            out.println("exercise: sending about " + rate + " frames/s for " + traffic.toSeconds() + " s");
            drive(connections);
            settle(connections, "the traffic");
            connections.forEach(ExerciseClient::leave);
            settle(connections, "the leaves");
        } finally {
            close(connections);
        }
        return tally;
    }

    private String token(String user, boolean doctor) {
        return minter.mint(user, doctor ? "Exercise Doctor" : "Exercise Patient", doctor ? "doctor" : "patient",
                List.of(prefix + "*"), Duration.ofHours(1));
    }

    /** Every room the run may store messages and read marks in. */
    public List<String> rooms() {
        List<String> rooms = new ArrayList<>();
        for (int pair = 0; pair < clients / 2; pair++) {
            rooms.add(consultRoom(pair));
        }
        rooms.add(lobbyRoom());
        return rooms;
    }

    private String consultRoom(int pair) {
        return prefix + "consult-" + pair;
    }

    private String lobbyRoom() {
        return prefix + "lobby";
    }

    /** Null once {@code /actuator/health} answers UP; otherwise why not, after {@link #wait}. */
    private String awaitHealthy() throws InterruptedException {
        URI health = URI.create(("wss".equals(url.getScheme()) ? "https" : "http") + "://" + url.getRawAuthority()
                + "/actuator/health");
        long deadline = System.nanoTime() + wait.toNanos();
        String last = "no answer";
        do {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"UP\"")) {
                    return null;
                }
                last = "HTTP " + answer.statusCode() + " " + answer.body().strip();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return "the gateway at " + health + " was not healthy within " + wait.toSeconds() + " s: " + last;
    }

    private boolean open(List<ExerciseClient> connections) throws InterruptedException {
        List<CompletableFuture<Void>> opened = new ArrayList<>();
        List<URI> uris = new ArrayList<>();
        for (ExerciseClient connection : connections) {
            // The token in the query, as browsers send it, so that a refusal can be explained (ConnectFailure).
            URI uri = URI.create(shownUrl + (shownUrl.contains("?") ? "&" : "?") + "access_token="
                    + URLEncoder.encode(token(connection.user, connection.user.contains("doctor")),
                            StandardCharsets.UTF_8));
            uris.add(uri);
            opened.add(connection.open(http, uri));
        }
        for (int i = 0; i < opened.size(); i++) {
            try {
                opened.get(i).get(ExerciseClient.TIMEOUT.toMillis() * 2, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                tally.problem(connections.get(i).user + ": no welcome from " + shownUrl + " within "
                        + ExerciseClient.TIMEOUT.toSeconds() * 2 + " s");
                return false;
            } catch (java.util.concurrent.ExecutionException e) {
                tally.problem(ConnectFailure.explain(http, uris.get(i), shownUrl, e));
                return false;
            }
        }
        return true;
    }

    private void drive(List<ExerciseClient> connections) throws InterruptedException {
        int perConnection = Math.max(1, Math.min(MAX_RATE_PER_CONNECTION, rate / clients));
        long period = 1_000_000 / perConnection;
        ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "exercise-ticker");
            thread.setDaemon(true);
            return thread;
        });
        List<ScheduledFuture<?>> ticking = new ArrayList<>();
        for (int i = 0; i < connections.size(); i++) {
            ExerciseClient connection = connections.get(i);
            ticking.add(ticker.scheduleAtFixedRate(connection::tick, period * i / connections.size(), period,
                    TimeUnit.MICROSECONDS));
        }
        Thread.sleep(traffic.toMillis());
        ticking.forEach(future -> future.cancel(false));
        ticker.shutdown();
        if (!ticker.awaitTermination(ExerciseClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            tally.problem("the traffic did not stop within " + ExerciseClient.TIMEOUT.toSeconds() + " s");
        }
    }

    /**
     * Waits until every connection has its answers, sending again what the store could not take in time; a
     * problem naming what is missing otherwise.
     */
    private boolean settle(List<ExerciseClient> connections, String what) throws InterruptedException {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        while (System.nanoTime() < deadline) {
            connections.forEach(ExerciseClient::retryFailed);
            if (connections.stream().allMatch(ExerciseClient::settled)) {
                return true;
            }
            Thread.sleep(STEP.toMillis());
        }
        connections.stream().filter(connection -> !connection.settled()).limit(3)
                .forEach(connection -> tally.problem("after " + what + ", " + SETTLE.toSeconds() + " s: "
                        + connection.unsettled()));
        return false;
    }

    private void close(List<ExerciseClient> connections) throws InterruptedException {
        List<CompletableFuture<Integer>> closes = connections.stream().map(ExerciseClient::close).toList();
        for (int i = 0; i < closes.size(); i++) {
            try {
                int code = closes.get(i).get(ExerciseClient.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (code != 1000 && code != -1) {
                    tally.problem(connections.get(i).user + ": the close was answered with " + code);
                }
            } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
                tally.problem(connections.get(i).user + ": no close answer within "
                        + ExerciseClient.TIMEOUT.toSeconds() + " s");
            }
        }
    }

    ExerciseTally tally() {
        return tally;
    }
}
