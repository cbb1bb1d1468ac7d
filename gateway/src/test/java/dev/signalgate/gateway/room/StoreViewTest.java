package dev.signalgate.gateway.room;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * {@link StoreView}: one store read serves the joins that follow, deliveries keep it current, and it is never
 * ahead of the store nor moved back by a read that raced a delivery.
 */
class StoreViewTest {

    private static final Duration LONG = Duration.ofMinutes(5);

    private final StoreView view = new StoreView();
    private final AtomicInteger reads = new AtomicInteger();

    private Mono<StoreView.Snapshot> store(long lastSeq, Map<String, Long> marks) {
        return Mono.fromSupplier(() -> {
            reads.incrementAndGet();
            return new StoreView.Snapshot(lastSeq, marks);
        });
    }

    @Test
    void aReadServesTheNextJoinsAndDeliveriesKeepItCurrent() {
        assertThat(view.snapshot(() -> store(4, Map.of("ann", 3L)), LONG).block())
                .isEqualTo(new StoreView.Snapshot(4, Map.of("ann", 3L)));
        view.sawStored(5);
        view.sawReadMark("bo", 5);
        view.sawReadMark("ann", 2);

        assertThat(view.snapshot(() -> store(0, Map.of()), LONG).block())
                .isEqualTo(new StoreView.Snapshot(5, Map.of("ann", 3L, "bo", 5L)));
        assertThat(reads).hasValue(1);
    }

    @Test
    void joinsArrivingDuringTheReadShareIt() {
        Sinks.One<StoreView.Snapshot> slowStore = Sinks.one();
        Mono<StoreView.Snapshot> first = view.snapshot(() -> {
            reads.incrementAndGet();
            return slowStore.asMono();
        }, LONG);
        Mono<StoreView.Snapshot> second = view.snapshot(() -> store(1, Map.of()), LONG);
        StoreView.Snapshot[] answers = new StoreView.Snapshot[2];
        first.subscribe(answer -> answers[0] = answer);
        second.subscribe(answer -> answers[1] = answer);

        slowStore.tryEmitValue(new StoreView.Snapshot(9, Map.of()));
        assertThat(answers).containsOnly(new StoreView.Snapshot(9, Map.of()));
        assertThat(reads).hasValue(1);
    }

    @Test
    void aReadThatRacedADeliveryDoesNotMoveTheViewBack() {
        Sinks.One<StoreView.Snapshot> slowStore = Sinks.one();
        Mono<StoreView.Snapshot> joining = view.snapshot(slowStore::asMono, LONG).cache();
        joining.subscribe();
        view.sawStored(8);
        view.sawReadMark("ann", 8);
        slowStore.tryEmitValue(new StoreView.Snapshot(7, Map.of("ann", 6L)));

        assertThat(joining.block()).isEqualTo(new StoreView.Snapshot(8, Map.of("ann", 8L)));
    }

    @Test
    void afterForgetOrMaxAgeTheNextJoinReadsTheStoreAgain() {
        view.snapshot(() -> store(1, Map.of()), LONG).block();
        view.forget();
        assertThat(view.snapshot(() -> store(2, Map.of()), LONG).block().lastSeq()).isEqualTo(2);

        assertThat(view.snapshot(() -> store(3, Map.of()), Duration.ZERO).block().lastSeq()).isEqualTo(3);
        assertThat(reads).hasValue(3);
    }

    @Test
    void aReadUnderWayWhenTheViewIsForgottenDoesNotMakeItCurrent() {
        Sinks.One<StoreView.Snapshot> slowStore = Sinks.one();
        Mono<StoreView.Snapshot> joining = view.snapshot(slowStore::asMono, LONG).cache();
        joining.subscribe();
        view.forget();
        slowStore.tryEmitValue(new StoreView.Snapshot(4, Map.of()));
        assertThat(joining.block().lastSeq()).isEqualTo(4);

        assertThat(view.snapshot(() -> store(5, Map.of()), LONG).block().lastSeq()).isEqualTo(5);
        assertThat(reads).hasValue(1);
    }

    @Test
    void aFailedReadIsNotKept() {
        assertThatThrownBy(() -> view.snapshot(() -> Mono.error(new IllegalStateException("store down")), LONG)
                .block()).hasMessageContaining("store down");
        assertThat(view.snapshot(() -> store(6, Map.of()), LONG).block().lastSeq()).isEqualTo(6);
    }
}
