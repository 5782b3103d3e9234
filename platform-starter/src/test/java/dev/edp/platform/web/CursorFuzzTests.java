package dev.edp.platform.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edp.platform.problem.EdpException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what clients send as {@code cursor}, {@code sort} and {@code limit} of every
 * keyset-paged list. The contract: a 400 problem ({@code INVALID_CURSOR},
 * {@code INVALID_SORT}, {@code INVALID_LIMIT}) or values the SQL can bind (no NUL,
 * instants PostgreSQL holds); any other exception is a finding. Cursors the platform
 * makes round-trip, whatever the text in them.
 */
class CursorFuzzTests {

    private static final Map<String, KeysetQuery.Column> SORTS = Map.of("name",
            new KeysetQuery.Column("name", KeysetQuery.Kind.TEXT), "createdAt",
            new KeysetQuery.Column("created_at", KeysetQuery.Kind.TIMESTAMP));

    private static final Set<String> CODES = Set.of("INVALID_CURSOR", "INVALID_SORT", "INVALID_LIMIT");

    // PostgreSQL's timestamptz: 4713 BC to 294276 AD.
    private static final Instant PG_MIN = Instant.parse("-4712-01-01T00:00:00Z");

    private static final Instant PG_MAX = Instant.parse("+294276-12-31T23:59:59Z");

    @FuzzTest(maxDuration = "30s")
    void cursorsAreRefusedOrSane(FuzzedDataProvider data) {
        try {
            switch (data.consumeInt(0, 3)) {
                case 0 -> decodeRaw(data.consumeInt(1, 3), data.consumeRemainingAsString());
                case 1 -> {
                    // A client can put any text in a cursor; build well-formed ones as
                    // often as not, so the fuzzer spends its time on the values rather
                    // than on finding a UUID's syntax.
                    String sort = data.pickValue(List.of("name", "-name", "createdAt", "-createdAt"));
                    String value = sort.endsWith("createdAt") && data.consumeBoolean() ? Instant
                        .ofEpochSecond(data.consumeLong(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()))
                        .toString() : data.consumeString(200);
                    String id = data.consumeBoolean() ? new UUID(data.consumeLong(), data.consumeLong()).toString()
                            : data.consumeString(40);
                    continueAfter(sort, value, id);
                }
                case 2 -> roundTrip(data);
                default -> {
                    int limit = Cursor.limit(data.consumeInt());
                    assertThat(limit).isBetween(1, Cursor.MAX_LIMIT);
                    UUID id = Cursor.decodeSingle(data.consumeRemainingAsString(), UUID::fromString);
                    assertThat(id == null || id.toString().length() == 36).isTrue();
                }
            }
        }
        catch (EdpException ex) {
            assertThat(ex.getStatusCode().value()).isEqualTo(400);
            assertThat(ex.getCode()).isIn(CODES);
        }
    }

    private static void decodeRaw(int expected, String cursor) {
        List<String> values = Cursor.decode(cursor, expected);
        assertThat(values.size()).isIn(0, expected);
        values.forEach(value -> assertThat(value).doesNotContain("\0"));
    }

    private static void continueAfter(String sort, String value, String id) {
        KeysetQuery query = KeysetQuery.parse(sort, "name", SORTS);
        Map<String, Object> after = query.after(Cursor.encode(List.of(sort, value, id)));
        assertThat(after).isNotNull();
        assertThat(after.get("afterId")).isInstanceOf(UUID.class);
        Object bound = after.get("afterValue");
        if (query.kind() == KeysetQuery.Kind.TEXT) {
            assertThat((String) bound).isEqualTo(value).doesNotContain("\0");
        }
        else {
            Instant instant = ((OffsetDateTime) bound).toInstant();
            assertThat(instant).isBetween(PG_MIN, PG_MAX);
        }
    }

    private static void roundTrip(FuzzedDataProvider data) {
        List<String> values = new ArrayList<>();
        int count = data.consumeInt(1, 4);
        for (int i = 0; i < count; i++) {
            values.add(data.consumeString(100).replace("\0", ""));
        }
        String cursor = Cursor.encode(values);
        if (cursor.isEmpty()) {
            // One empty value: indistinguishable from "no cursor" (the first page); lists
            // never make one.
            return;
        }
        assertThat(Cursor.decode(cursor, count)).isEqualTo(values);
    }

}
