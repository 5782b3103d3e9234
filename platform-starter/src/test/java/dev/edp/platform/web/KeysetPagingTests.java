package dev.edp.platform.web;

import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
    void cursorRoundTripsValuesHoldingItsOwnSeparatorAndEscape() {
        // Device names may hold U+001F: unescaped, it split the cursor, so the page after
        // such a name was a 400.
        List<String> key = List.of("name", "line\u001f3 100%1F %25", "7c0e");
        assertThat(Cursor.decode(Cursor.encode(key), 3)).isEqualTo(key);
    }

    @Test
    void cursorWithNulIsRefusedBeforeItReachesSql() {
        // PostgreSQL text cannot hold NUL: binding one was a 500 instead of a 400.
        String cursor = Cursor.encode(List.of("name", "a\0b", java.util.UUID.randomUUID().toString()));
        assertThatThrownBy(() -> KeysetQuery
            .parse("name", "name", Map.of("name", new KeysetQuery.Column("name", KeysetQuery.Kind.TEXT)))
            .after(cursor))
            .isInstanceOfSatisfying(EdpException.class, ex -> assertThat(ex.getCode()).isEqualTo("INVALID_CURSOR"));
    }

    @Test
    void cursorInstantOutsideWhatPostgresHoldsIsRefused() {
        // Found by CursorFuzzTests: Instant.parse takes years up to ±1,000,000,000;
        // PostgreSQL refused them (500).
        KeysetQuery byTime = KeysetQuery.parse("-at", "-at",
                Map.of("at", new KeysetQuery.Column("at", KeysetQuery.Kind.TIMESTAMP)));
        for (String instant : List.of("+1000000000-01-01T00:00:00Z", "-999999999-01-01T00:00:00Z")) {
            String cursor = Cursor.encode(List.of("-at", instant, java.util.UUID.randomUUID().toString()));
            assertThatThrownBy(() -> byTime.after(cursor)).isInstanceOfSatisfying(EdpException.class,
                    ex -> assertThat(ex.getCode()).isEqualTo("INVALID_CURSOR"));
        }
        String ordinary = Cursor.encode(List.of("-at", "2026-12-05T10:00:00Z", java.util.UUID.randomUUID().toString()));
        assertThat(byTime.after(ordinary)).containsKey("afterValue");
    }

    @Test
    void tamperedOrForeignCursorIsBadRequestProblem() {
        assertThatThrownBy(() -> Cursor.decode("%%%not-base64", 2)).isInstanceOfSatisfying(EdpException.class,
                ex -> assertThat(ex.getCode()).isEqualTo("INVALID_CURSOR"));
        assertThatThrownBy(() -> Cursor.decode(Cursor.encode(List.of("a")), 2))
            .isInstanceOfSatisfying(EdpException.class, ex -> assertThat(ex.getStatusCode().value()).isEqualTo(400));
    }

    @Test
    void cursorsThatDecodeToTextPostgresCannotStoreOrToInvalidUtf8AreInvalidCursors() {
        String nul = Cursor.encode(List.of("name", "a\u0000b", UUID.randomUUID().toString()));
        String invalidUtf8 = Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(new byte[] { 'n', 'a', 'm', 'e', 0x1f, (byte) 0xC3, 0x28, 0x1f, 'x' });
        for (String cursor : List.of(nul, invalidUtf8)) {
            assertThatThrownBy(() -> Cursor.decode(cursor, 3)).isInstanceOfSatisfying(EdpException.class,
                    ex -> assertThat(ex.getCode()).isEqualTo("INVALID_CURSOR"));
            assertThatThrownBy(() -> BY_NAME.after(cursor)).isInstanceOfSatisfying(EdpException.class,
                    ex -> assertThat(ex.getCode()).isEqualTo("INVALID_CURSOR"));
        }
    }

    @Test
    void timestampCursorsOutsideYearsOneTo9999AreInvalidCursors() {
        UUID id = UUID.randomUUID();
        for (String instant : List.of("+294277-01-01T00:00:00Z", "+1000000000-12-31T23:59:59Z", "-4714-01-01T00:00:00Z",
                "0000-12-31T23:59:59Z", "not-a-time")) {
            String cursor = Cursor.encode(List.of("createdAt", instant, id.toString()));
            assertThatThrownBy(() -> BY_CREATED.after(cursor)).as(instant)
                .isInstanceOfSatisfying(EdpException.class, ex -> assertThat(ex.getCode()).isEqualTo("INVALID_CURSOR"));
        }
        String fine = Cursor.encode(List.of("createdAt", "9999-12-31T23:59:59Z", id.toString()));
        assertThat(BY_CREATED.after(fine)).containsEntry("afterId", id);
    }

    @Test
    void aCursorOfAnotherSortOrWithAValueOfAnotherTypeIsAnInvalidCursor() {
        String byName = Cursor.encode(List.of("name", "Press 7", UUID.randomUUID().toString()));
        assertThatThrownBy(() -> BY_CREATED.after(byName)).isInstanceOf(EdpException.class);
        String notAnId = Cursor.encode(List.of("name", "Press 7", "not-a-uuid"));
        assertThatThrownBy(() -> BY_NAME.after(notAnId)).isInstanceOf(EdpException.class);
        String timeAsName = Cursor.encode(List.of("createdAt", "Press 7", UUID.randomUUID().toString()));
        assertThatThrownBy(() -> BY_CREATED.after(timeAsName)).isInstanceOf(EdpException.class);
    }

    private static final Map<String, KeysetQuery.Column> SORTS = Map.of("name",
            new KeysetQuery.Column("name", KeysetQuery.Kind.TEXT), "createdAt",
            new KeysetQuery.Column("created_at", KeysetQuery.Kind.TIMESTAMP));

    private static final KeysetQuery BY_NAME = KeysetQuery.parse("name", "name", SORTS);

    private static final KeysetQuery BY_CREATED = KeysetQuery.parse("createdAt", "name", SORTS);

    @Test
    void singleValueCursorGivesItsKeyOrAProblemWhenTheValueIsNotOne() {
        UUID id = UUID.randomUUID();
        UUID decoded = Cursor.decodeSingle(Cursor.encode(List.of(id.toString())), UUID::fromString);
        assertThat(decoded).isEqualTo(id);
        Long none = Cursor.decodeSingle(null, Long::valueOf);
        assertThat(none).isNull();
        assertThatThrownBy(() -> Cursor.decodeSingle(Cursor.encode(List.of("not-a-number")), Long::valueOf))
            .isInstanceOf(EdpException.class)
            .hasMessageContaining("cursor");
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

    @Test
    void anOptionalIfMatchIsCheckedOnlyWhenSent() {
        assertThat(Etags.optionalVersion(null)).isNull();
        assertThat(Etags.optionalVersion(" ")).isNull();
        assertThat(Etags.optionalVersion("\"3\"")).isEqualTo(3L);
        assertThatThrownBy(() -> Etags.optionalVersion("\"abc\"")).isInstanceOfSatisfying(EdpException.class,
                ex -> assertThat(ex.getCode()).isEqualTo("STALE_VERSION"));
        Etags.requireVersion(3, null);
        Etags.requireVersion(3, 3L);
        assertThatThrownBy(() -> Etags.requireVersion(4, 3L)).isInstanceOfSatisfying(EdpException.class,
                ex -> assertThat(ex.getStatusCode().value()).isEqualTo(412));
    }

}
