package dev.signalgate.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoomIdsTest {

    @ParameterizedTest
    @ValueSource(strings = {"r", "consult-42", "clinic-7:queue", "user@example.com", "a_b.c:d@e-f", "ABCxyz0189",
            "_", ".", ":", "@", "-", "..", "-leading", "trailing:"})
    void roomsOfAllowedCharactersAreValid(String room) {
        assertThat(RoomIds.isValid(room)).isTrue();
    }

    @Test
    void roomOfExactly128CharactersIsValid() {
        assertThat(RoomIds.isValid("a".repeat(128))).isTrue();
        assertThat(RoomIds.MAX_LENGTH).isEqualTo(128);
    }

    @Test
    void roomOf129CharactersIsInvalid() {
        assertThat(RoomIds.isValid("a".repeat(129))).isFalse();
    }

    @Test
    void nullAndEmptyRoomsAreInvalid() {
        assertThat(RoomIds.isValid(null)).isFalse();
        assertThat(RoomIds.isValid("")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a/b", "a#b", "a+b", "a*", "*", "a,b", "a;b", "a?b", "a%20b", "a\\b", "a\"b",
            "a'b", "café", "日本", "😀", "a\tb", "a\nb", "a\u0000b", " a", "a ", "ａ"})
    void roomsWithAnyOtherCharacterAreInvalid(String room) {
        assertThat(RoomIds.isValid(room)).isFalse();
    }

    @Test
    void everyAsciiCharacterIsAllowedOnlyWhenTheContractListsIt() {
        String allowed = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:@-";
        for (char c = 0; c < 128; c++) {
            assertThat(RoomIds.isRoomChar(c)).as("char %d", (int) c).isEqualTo(allowed.indexOf(c) >= 0);
        }
    }

    @Test
    void explainsAnEmptyRoom() {
        assertThat(RoomIds.explain("")).isEqualTo("room: expected 1 to 128 characters, got an empty string");
        assertThat(RoomIds.explain(null)).startsWith("room:");
    }

    @Test
    void explainsATooLongRoomWithItsLength() {
        assertThat(RoomIds.explain("a".repeat(300))).isEqualTo("room: expected at most 128 characters, got 300");
    }

    @Test
    void explainsTheFirstBadCharacterAndWhereItIs() {
        assertThat(RoomIds.explain("ok/not ok")).isEqualTo("room: expected only A-Z a-z 0-9 _ . : @ -, got '/' at index 2");
    }

    @Test
    void explainsInvisibleAndNonAsciiCharactersByCodePoint() {
        assertThat(RoomIds.explain("a b")).endsWith("got U+0020 at index 1");
        assertThat(RoomIds.explain("a\nb")).endsWith("got U+000A at index 1");
        assertThat(RoomIds.explain("aé")).endsWith("got U+00E9 at index 1");
        assertThat(RoomIds.explain("a\u007f")).endsWith("got U+007F at index 1");
    }

    @Test
    void explanationNeverEchoesMoreThanOneCharacterOfTheRoom() {
        String hostile = "x".repeat(10) + "<script>" + "y".repeat(100);

        assertThat(RoomIds.explain(hostile)).doesNotContain("script").hasSizeLessThan(80);
    }
}
