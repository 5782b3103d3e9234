package dev.edp.platform.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WhereTests {

    enum Kind {

        CNC

    }

    record Item(UUID id, String name, Instant at) {
    }

    static final KeysetSorts<Item> SORTS = KeysetSorts.of(Item::id, "name")
        .text("name", "name", Item::name)
        .timestamp("at", "at", Item::at);

    @Test
    void absentValuesAddNoConditionAndNoConditionsMeanNoWhere() {
        Where where = new Where().equal("customer_id", null)
            .containsText(null, "name")
            .containsText("  ", "name")
            .containsAll("labels", Map.of())
            .containsAll("labels", null);
        assertThat(where.sql()).isEmpty();
        assertThat(where.params()).isEmpty();
        SqlQuery query = where.page("SELECT * FROM item", ListRequest.of(null, null, null, null).keyset(SORTS));
        assertThat(query.sql()).isEqualTo("SELECT * FROM item ORDER BY name ASC, id ASC LIMIT :limit");
        assertThat(query.params()).containsExactly(Map.entry("limit", 51));
    }

    @Test
    void valuesAreBoundAsParametersEnumsByNameAndInstantsAsTimestamps() {
        UUID customer = UUID.randomUUID();
        Instant at = Instant.parse("2026-12-05T10:00:00Z");
        Where where = new Where().equal("customer_id", customer)
            .equal("kind", Kind.CNC)
            .equal("d.created_at", at)
            .condition("lifecycle <> 'DECOMMISSIONED'");
        assertThat(where.sql()).isEqualTo(" WHERE customer_id = :customer_id AND kind = :kind"
                + " AND d.created_at = :d_created_at AND lifecycle <> 'DECOMMISSIONED'");
        assertThat(where.params()).containsEntry("customer_id", customer)
            .containsEntry("kind", "CNC")
            .containsEntry("d_created_at", OffsetDateTime.parse("2026-12-05T10:00:00Z"));
    }

    @Test
    void theSameColumnTwiceAndReservedNamesGetTheirOwnParameters() {
        Where where = new Where().equal("name", "a").equal("name", "b").equal("limit", 3).equal("afterId", "x");
        assertThat(where.sql())
            .isEqualTo(" WHERE name = :name AND name = :name_2 AND limit = :limit_2 AND afterId = :afterId_2");
        assertThat(where.params()).containsEntry("name", "a")
            .containsEntry("name_2", "b")
            .containsEntry("limit_2", 3)
            .containsEntry("afterId_2", "x");
    }

    @Test
    void searchTextIsOnePatternOverAllColumnsWithWildcardsEscaped() {
        Where where = new Where().containsText(" 50%_off\\ ", "name", "code");
        assertThat(where.sql()).isEqualTo(" WHERE (name ILIKE :text OR code ILIKE :text)");
        assertThat(where.params()).containsExactly(Map.entry("text", "%50\\%\\_off\\\\%"));
        assertThat(new Where().containsText("x", "name").sql()).isEqualTo(" WHERE name ILIKE :text");
    }

    @Test
    void labelsAreOneJsonbContainment() {
        Where where = new Where().containsAll("labels", Map.of("line", "3"));
        assertThat(where.sql()).isEqualTo(" WHERE labels @> CAST(:labels AS jsonb)");
        assertThat(where.params()).containsExactly(Map.entry("labels", "{\"line\":\"3\"}"));
    }

    @Test
    void aPageAfterACursorContinuesAfterItsKeyInItsOrder() {
        UUID id = UUID.randomUUID();
        String cursor = Cursor.encode(List.of("-at", "2026-12-05T10:00:00Z", id.toString()));
        Keyset<Item> keyset = ListRequest.of(10, cursor, "-at", null).keyset(SORTS);
        SqlQuery query = new Where().equal("customer_id", "c").page("SELECT * FROM item", keyset);
        assertThat(query.sql()).isEqualTo("SELECT * FROM item WHERE customer_id = :customer_id"
                + " AND (at, id) < (:afterValue, :afterId) ORDER BY at DESC, id DESC LIMIT :limit");
        assertThat(query.params()).containsEntry("afterId", id)
            .containsEntry("limit", 11)
            .containsEntry("afterValue", OffsetDateTime.parse("2026-12-05T10:00:00Z"));
    }

    @Test
    void thePageMakesTheNextCursorFromTheLastItemShownInTheOrderAskedFor() {
        Item first = new Item(UUID.randomUUID(), "a", Instant.parse("2026-12-05T10:00:00Z"));
        Item second = new Item(UUID.randomUUID(), "b", Instant.parse("2026-12-05T11:00:00Z"));
        Item extra = new Item(UUID.randomUUID(), "c", Instant.parse("2026-12-05T12:00:00Z"));
        KeysetPage<Item> page = ListRequest.of(2, null, "at", null).keyset(SORTS).page(List.of(first, second, extra));
        assertThat(page.items()).containsExactly(first, second);
        assertThat(Cursor.decode(page.nextCursor(), 3)).containsExactly("at", "2026-12-05T11:00:00Z",
                second.id().toString());
        assertThat(page.map(Item::name).items()).containsExactly("a", "b");
        assertThat(page.map(Item::name).nextCursor()).isEqualTo(page.nextCursor());
    }

    @Test
    void aListInOneUniqueColumnsOrderStartsAfterItsCursorAsAParameter() {
        UUID after = UUID.randomUUID();
        SqlQuery first = new Where().equal("customer_id", null)
            .greaterThan("id", null)
            .page("SELECT * FROM item", "id", 10);
        assertThat(first.sql()).isEqualTo("SELECT * FROM item ORDER BY id LIMIT :limit");
        assertThat(first.params()).containsExactly(Map.entry("limit", 11));
        SqlQuery next = new Where().greaterThan("id", after).page("SELECT * FROM item", "id", 10);
        assertThat(next.sql()).isEqualTo("SELECT * FROM item WHERE id > :id ORDER BY id LIMIT :limit");
        assertThat(next.params()).containsEntry("id", after);
        SqlQuery newest = new Where().lessThan("id", 42L).page("SELECT * FROM item", "id DESC", 5);
        assertThat(newest.sql()).isEqualTo("SELECT * FROM item WHERE id < :id ORDER BY id DESC LIMIT :limit");
        assertThat(newest.params()).containsEntry("id", 42L).containsEntry("limit", 6);
    }

}
