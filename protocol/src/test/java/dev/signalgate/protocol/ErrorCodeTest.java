package dev.signalgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

class ErrorCodeTest {

    @Test
    void wireNamesAreExactlyTheContractsCodes() {
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::wireName)).containsExactly(
                "bad_request", "unknown_type", "forbidden", "not_in_room", "room_full", "peer_not_found",
                "rate_limited", "unavailable", "internal");
    }

    @Test
    void eachConstantHasItsOwnWireName() {
        assertThat(ErrorCode.BAD_REQUEST.wireName()).isEqualTo("bad_request");
        assertThat(ErrorCode.UNKNOWN_TYPE.wireName()).isEqualTo("unknown_type");
        assertThat(ErrorCode.FORBIDDEN.wireName()).isEqualTo("forbidden");
        assertThat(ErrorCode.NOT_IN_ROOM.wireName()).isEqualTo("not_in_room");
        assertThat(ErrorCode.ROOM_FULL.wireName()).isEqualTo("room_full");
        assertThat(ErrorCode.PEER_NOT_FOUND.wireName()).isEqualTo("peer_not_found");
        assertThat(ErrorCode.RATE_LIMITED.wireName()).isEqualTo("rate_limited");
        assertThat(ErrorCode.UNAVAILABLE.wireName()).isEqualTo("unavailable");
        assertThat(ErrorCode.INTERNAL.wireName()).isEqualTo("internal");
    }

    @Test
    void onlyRateLimitedAndUnavailableAreWorthRetrying() {
        assertThat(Arrays.stream(ErrorCode.values()).filter(ErrorCode::retryable))
                .containsExactlyInAnyOrder(ErrorCode.RATE_LIMITED, ErrorCode.UNAVAILABLE);
    }
}
