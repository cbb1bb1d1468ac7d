package dev.signalgate.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

/** The writer's memory of what it stored last: bounded by entries and by characters, oldest forgotten first. */
class RecentlyStoredTest {

    private static StoredMessage stored(String tempId, String body) {
        return new StoredMessage("room:a", 1, "id-" + tempId, "alice", tempId, "chat", body, null,
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static IdempotencyKey key(String tempId) {
        return new IdempotencyKey("room:a", "alice", tempId);
    }

    @Test
    void theOldestEntriesAreForgottenBeyondTheEntryBound() {
        RecentlyStored recent = new RecentlyStored(2, Long.MAX_VALUE);
        recent.put(key("t1"), stored("t1", "a"));
        recent.put(key("t2"), stored("t2", "b"));
        recent.put(key("t3"), stored("t3", "c"));

        assertThat(recent.get(key("t1"))).isNull();
        assertThat(recent.get(key("t2"))).isNotNull();
        assertThat(recent.get(key("t3"))).isNotNull();
    }

    @Test
    void largeBodiesAreForgottenBeyondTheCharacterBound() {
        RecentlyStored recent = new RecentlyStored(100, 3_000);
        recent.put(key("t1"), stored("t1", "x".repeat(1_000)));
        recent.put(key("t2"), stored("t2", "y".repeat(1_000)));
        recent.put(key("t3"), stored("t3", "z".repeat(1_000)));

        assertThat(recent.size()).isEqualTo(2);
        assertThat(recent.get(key("t1"))).isNull();
        assertThat(recent.get(key("t3"))).isNotNull();
    }

    @Test
    void aBoundOfZeroKeepsNothing() {
        RecentlyStored recent = new RecentlyStored(0, Long.MAX_VALUE);
        recent.put(key("t1"), stored("t1", "a"));

        assertThat(recent.get(key("t1"))).isNull();
    }
}
