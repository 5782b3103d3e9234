package dev.edp.masterdata.machine;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import dev.edp.masterdata.Api;
import dev.edp.masterdata.MasterdataApiTests;
import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.ListRequest;
import dev.edp.platform.web.SqlQuery;
import dev.edp.test.service.EdpServiceTest;
import org.junit.jupiter.api.Test;

import static dev.edp.masterdata.Api.read;
import static dev.edp.masterdata.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;

/** Keyset paging over many machines: stable, complete, and served by an index. */
@EdpServiceTest
class MachinePagingIntegrationTests extends MasterdataApiTests {

    @Test
    void walksTenThousandMachinesInStablePagesSeeingEachExactlyOnce() {
        UUID customer = api.createCustomer("Big fleet");
        seed(customer, 10_000);

        // Five machines share each name and fifty share each creation time: ties are
        // broken by id.
        List<UUID> byName = walk(customer, "name", 500, null);
        assertThat(byName).hasSize(10_000).doesNotHaveDuplicates();
        assertThat(byName).containsExactlyElementsOf(idsInOrder(customer, "name, id"));

        List<UUID> newestFirst = walk(customer, "-createdAt", 500, null);
        assertThat(newestFirst).hasSize(10_000).doesNotHaveDuplicates();
        assertThat(newestFirst).containsExactlyElementsOf(idsInOrder(customer, "created_at DESC, id DESC"));
    }

    @Test
    void rowsAddedDuringAWalkCauseNoDuplicatesOrGaps() {
        UUID customer = api.createCustomer("Growing fleet");
        seed(customer, 2_000);
        List<UUID> before = idsInOrder(customer, "name, id");
        UUID[] added = new UUID[2];

        List<UUID> seen = walk(customer, "name", 200, page -> {
            if (page == 3) {
                // One row sorts before the pages already read, one after: only the second
                // is still ahead.
                added[0] = api.createMachine(customer, "Press 0000", "LATE-BEFORE");
                added[1] = api.createMachine(customer, "Zz last", "LATE-AFTER");
            }
        });

        assertThat(seen).doesNotHaveDuplicates().hasSize(2_001).doesNotContain(added[0]).endsWith(added[1]);
        List<UUID> expected = new ArrayList<>(before);
        expected.add(added[1]);
        assertThat(seen).containsExactlyElementsOf(expected);
    }

    @Test
    void aCustomersMachineListIsServedByAnIndexNotASequentialScan() {
        List<UUID> customers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            UUID customer = api.createCustomer("Planner " + i);
            seed(customer, 5_000);
            customers.add(customer);
        }
        jdbc.sql("ANALYZE machine").update();
        UUID customer = customers.get(2);

        for (String sort : List.of("name", "-name", "createdAt", "-createdAt")) {
            var first = ListRequest.of(50, null, sort, null).keyset(MachineRepository.SORTS);
            String firstPage = plan(MachineRepository.listQuery(first, customer, MachineFilter.NONE));
            assertThat(firstPage).as(sort)
                .doesNotContain("Seq Scan on machine")
                .contains(sort.endsWith("name") ? "machine_customer_name_idx" : "machine_customer_created_idx");

            String cursor = Cursor.encode(List.of(sort, sort.endsWith("name") ? "Press 0500" : "2026-01-01T00:00:20Z",
                    UUID.randomUUID().toString()));
            var later = ListRequest.of(500, cursor, sort, null).keyset(MachineRepository.SORTS);
            String laterPage = plan(
                    MachineRepository.listQuery(later, customer, MachineFilter.NONE.withType(MachineType.CNC)));
            assertThat(laterPage).as(sort).doesNotContain("Seq Scan on machine").contains("Index");
        }
    }

    private String plan(SqlQuery query) {
        return String.join("\n", jdbc.sql("EXPLAIN " + query.sql()).params(query.params()).query(String.class).list());
    }

    /**
     * Inserts machines with one statement: names repeat every 2,000 rows, creation times
     * every 50.
     */
    private void seed(UUID customer, int count) {
        jdbc.sql("""
                INSERT INTO machine (id, customer_id, name, type, serial_number, labels, version, created_at,
                                     created_by, updated_at, updated_by)
                SELECT gen_random_uuid(), :customer, 'Press ' || lpad((i % 2000)::text, 4, '0'),
                       CASE WHEN i % 3 = 0 THEN 'CNC' ELSE 'ASSEMBLY' END, 'SN-' || i, '{}'::jsonb, 1,
                       timestamptz '2026-01-01T00:00:00Z' + (i % 50) * interval '1 second', 'seed', now(), 'seed'
                FROM generate_series(1, :count) AS i
                """).param("customer", customer).param("count", count).update();
    }

    private List<UUID> idsInOrder(UUID customer, String orderBy) {
        return jdbc.sql("SELECT id FROM machine WHERE customer_id = :customer ORDER BY " + orderBy)
            .param("customer", customer)
            .query(UUID.class)
            .list();
    }

    private List<UUID> walk(UUID customer, String sort, int limit, java.util.function.IntConsumer afterPage) {
        List<UUID> seen = new ArrayList<>();
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        int page = 0;
        do {
            HttpResponse<String> response = api.get(
                    "/machines?limit=" + limit + "&sort=" + sort + (cursor == null ? "" : "&cursor=" + cursor),
                    viewer(customer));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            List<String> ids = read(response, "$.items[*].id");
            assertThat(ids.size()).isLessThanOrEqualTo(limit);
            ids.forEach(id -> seen.add(UUID.fromString(id)));
            cursor = Api.nextCursor(response);
            assertThat(cursor == null || cursors.add(cursor)).as("cursors never repeat").isTrue();
            page++;
            if (afterPage != null) {
                afterPage.accept(page);
            }
        }
        while (cursor != null);
        return seen;
    }

}
