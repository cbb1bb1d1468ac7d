package dev.signalgate.gateway.observability;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.signalgate.persistence.MessageWriter;
import dev.signalgate.persistence.mongo.AppendListener;
import dev.signalgate.persistence.mongo.MongoMessageStore;

/**
 * The message writer and store as meters:
 * <ul>
 * <li>{@code signalgate.store.batch.size} (summary with histogram), {@code signalgate.store.batch.write} (timer
 *     with histogram), {@code signalgate.store.batch.failures} (counter, batches whose messages all failed),
 *     {@code signalgate.store.failed.messages} (counter) and {@code signalgate.store.pending} (gauge: submissions
 *     queued or being written);</li>
 * <li>admission: {@code signalgate.store.queue.wait} (timer with histogram: how long the oldest message of each
 *     write had been queued), {@code signalgate.store.batch.limit} (gauge: the writer's adaptive limit),
 *     {@code signalgate.store.shed} (counter: messages failed unwritten after the queue-age bound) and
 *     {@code signalgate.store.timeouts} (counter: messages whose write did not finish in time);</li>
 * <li>{@code signalgate.store.batch.retries} (summary: per store call, inputs answered with a message already
 *     stored, i.e. retries) and {@code signalgate.store.retries.from.memory} (counter: retries of a message the
 *     writer stored recently, answered without a store call).</li>
 * </ul>
 * Registers itself as the writer's {@link MessageWriter.BatchListener} and the store's {@link AppendListener}.
 */
public final class StoreMetrics implements MessageWriter.BatchListener, AppendListener {

    private final DistributionSummary batchSize;
    private final Timer batchWrite;
    private final Counter batchFailures;
    private final Counter failedMessages;
    private final Timer queueWait;
    private final Counter shed;
    private final Counter timeouts;
    private final DistributionSummary retries;
    private final Counter fromMemory;

    public StoreMetrics(MeterRegistry registry, MessageWriter writer, MongoMessageStore store) {
        batchSize = DistributionSummary.builder("signalgate.store.batch.size")
                .description("Messages per store write batch").baseUnit("messages")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512).register(registry);
        batchWrite = Timer.builder("signalgate.store.batch.write").description("Duration of one store batch write")
                .publishPercentileHistogram().register(registry);
        batchFailures = Counter.builder("signalgate.store.batch.failures")
                .description("Store batch writes that failed (timeout or driver error)").register(registry);
        failedMessages = Counter.builder("signalgate.store.failed.messages")
                .description("Messages in failed batches (each answered chat:failed or 503)").register(registry);
        Gauge.builder("signalgate.store.pending", writer, MessageWriter::pendingCount)
                .description("Store submissions queued or being written").strongReference(true).register(registry);
        queueWait = Timer.builder("signalgate.store.queue.wait")
                .description("How long the oldest message of a store write had waited in the writer's queue")
                .publishPercentileHistogram().register(registry);
        Gauge.builder("signalgate.store.batch.limit", writer, MessageWriter::batchLimit)
                .description("The writer's current (adaptive) limit of messages per write").baseUnit("messages")
                .strongReference(true).register(registry);
        shed = Counter.builder("signalgate.store.shed")
                .description("Messages failed unwritten because they waited longer than the queue-age bound")
                .register(registry);
        timeouts = Counter.builder("signalgate.store.timeouts")
                .description("Messages whose store write did not finish in time (outcome unknown)").register(registry);
        retries = DistributionSummary.builder("signalgate.store.batch.retries")
                .description("Inputs of a store call answered with a message already stored (retries)")
                .baseUnit("messages").serviceLevelObjectives(1, 4, 16, 64, 256).register(registry);
        fromMemory = Counter.builder("signalgate.store.retries.from.memory")
                .description("Retries of a recently stored message answered by the writer without a store write")
                .baseUnit("messages").register(registry);
        writer.setBatchListener(this);
        store.setAppendListener(this);
    }

    @Override
    public void batchStarted(int size, Duration oldestWait) {
        queueWait.record(oldestWait);
    }

    @Override
    public void batchWritten(int size, Duration took) {
        batchSize.record(size);
        batchWrite.record(took);
    }

    @Override
    public void batchFailed(int size, Throwable error) {
        batchFailures.increment();
        failedMessages.increment(size);
    }

    @Override
    public void shed(int count) {
        shed.increment(count);
    }

    @Override
    public void timedOut(int count) {
        timeouts.increment(count);
    }

    @Override
    public void answeredFromMemory(int count) {
        fromMemory.increment(count);
    }

    @Override
    public void appended(int size, int retriesResolved, int roundTrips) {
        retries.record(retriesResolved);
    }
}
