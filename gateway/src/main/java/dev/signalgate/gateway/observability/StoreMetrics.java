package dev.signalgate.gateway.observability;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.signalgate.persistence.MessageWriter;

/**
 * The message writer's batches as meters: {@code signalgate.store.batch.size} (summary with histogram),
 * {@code signalgate.store.batch.write} (timer with histogram), {@code signalgate.store.batch.failures} (counter,
 * batches whose messages all failed) and {@code signalgate.store.pending} (gauge: submissions queued or being
 * written). Registers itself as the writer's {@link MessageWriter.BatchListener}.
 */
public final class StoreMetrics implements MessageWriter.BatchListener {

    private final DistributionSummary batchSize;
    private final Timer batchWrite;
    private final Counter batchFailures;
    private final Counter failedMessages;

    public StoreMetrics(MeterRegistry registry, MessageWriter writer) {
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
        writer.setBatchListener(this);
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
}
