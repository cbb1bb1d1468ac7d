package dev.signalgate.persistence.mongo;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs reactive work one at a time, in subscription order, without blocking a thread: each run waits
 * for the previous one to terminate (complete, fail or be cancelled).
 */
final class FifoGate {

    private final AtomicReference<Mono<Void>> tail = new AtomicReference<>(Mono.empty());

    /** The work of {@code run}, started once every earlier subscription's work has terminated. */
    <T> Flux<T> serialize(Supplier<Flux<T>> run) {
        return Flux.defer(() -> {
            Sinks.Empty<Void> done = Sinks.empty();
            Mono<Void> previous = tail.getAndSet(done.asMono());
            return previous.thenMany(Flux.defer(run))
                    .doFinally(signal -> done.tryEmitEmpty());
        });
    }
}
