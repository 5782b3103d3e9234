package dev.edp.platform.web;

import java.util.List;

import dev.edp.platform.problem.EdpException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeysetPagingTests {

    @Test
    void cursorRoundTripsSortKeyValuesIncludingSeparatorsInText() {
        List<String> key = List.of("Line 3, Hall B", "2026-11-23T10:00:00Z", "7c0e…");
        assertThat(Cursor.decode(Cursor.encode(key), 3)).isEqualTo(key);
    }

    @Test
    void tamperedOrForeignCursorIsBadRequestProblem() {
        assertThatThrownBy(() -> Cursor.decode("%%%not-base64", 2)).isInstanceOfSatisfying(EdpException.class,
                ex -> assertThat(ex.getCode()).isEqualTo("INVALID_CURSOR"));
        assertThatThrownBy(() -> Cursor.decode(Cursor.encode(List.of("a")), 2))
                .isInstanceOfSatisfying(EdpException.class, ex -> assertThat(ex.getStatusCode().value()).isEqualTo(400));
    }

    @Test
    void singleValueCursorGivesItsKeyOrAProblemWhenTheValueIsNotOne() {
        java.util.UUID id = java.util.UUID.randomUUID();
        java.util.UUID decoded = Cursor.decodeSingle(Cursor.encode(List.of(id.toString())), java.util.UUID::fromString);
        assertThat(decoded).isEqualTo(id);
        Long none = Cursor.decodeSingle(null, Long::valueOf);
        assertThat(none).isNull();
        assertThatThrownBy(() -> Cursor.decodeSingle(Cursor.encode(List.of("not-a-number")), Long::valueOf))
                .isInstanceOf(EdpException.class).hasMessageContaining("cursor");
        assertThatThrownBy(() -> Cursor.decodeSingle(Cursor.encode(List.of("a", "b")), Long::valueOf))
                .isInstanceOf(EdpException.class);
    }

    @Test
    void pageHasNextCursorOnlyWhenAnExtraRowWasFetched() {
        KeysetPage<String> full = KeysetPage.of(List.of("a", "b", "c"), 2, item -> List.of(item));
        assertThat(full.items()).containsExactly("a", "b");
        assertThat(Cursor.decode(full.nextCursor(), 1)).containsExactly("b");
        KeysetPage<String> last = KeysetPage.of(List.of("a", "b"), 2, item -> List.of(item));
        assertThat(last.nextCursor()).isNull();
    }

    @Test
    void limitIsBounded() {
        assertThat(Cursor.limit(null)).isEqualTo(Cursor.DEFAULT_LIMIT);
        assertThatThrownBy(() -> Cursor.limit(0)).isInstanceOf(EdpException.class);
        assertThatThrownBy(() -> Cursor.limit(Cursor.MAX_LIMIT + 1)).isInstanceOf(EdpException.class);
    }

    @Test
    void ifMatchIsRequiredAndParsed() {
        assertThat(Etags.requiredVersion(Etags.of(7))).isEqualTo(7);
        assertThat(Etags.requiredVersion("W/\"7\"")).isEqualTo(7);
        assertThatThrownBy(() -> Etags.requiredVersion(null)).isInstanceOfSatisfying(EdpException.class,
                ex -> assertThat(ex.getStatusCode().value()).isEqualTo(428));
        assertThatThrownBy(() -> Etags.requiredVersion("\"abc\"")).isInstanceOfSatisfying(EdpException.class,
                ex -> assertThat(ex.getStatusCode().value()).isEqualTo(412));
    }
}
