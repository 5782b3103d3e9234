package dev.edp.platform.web;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import com.jayway.jsonpath.JsonPath;
import dev.edp.platform.security.Tenant;
import dev.edp.test.postgres.TestPostgres;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.security.WithTestJwtIssuer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static dev.edp.test.service.ServiceSmokeChecks.send;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A list built from {@link ListRequest}, {@link KeysetSorts} and {@link Where} in a real
 * servlet application on a real PostgreSQL: every row once in every order, filters, the
 * customer scope, and refused parameters as problems.
 */
@WithTestJwtIssuer
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = { "eureka.client.enabled=false", "spring.cloud.discovery.enabled=false",
                "management.server.port=0", "spring.application.name=list-test", "edp.customer-status.enabled=false" })
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListRequestIntegrationTests {

    static final UUID CUSTOMER_A = UUID.randomUUID();

    static final UUID CUSTOMER_B = UUID.randomUUID();

    static final String ADMIN = TestJwtIssuer.token("root", null, "platform-admin");

    static final String VIEWER_A = TestJwtIssuer.token("vera", CUSTOMER_A, "viewer");

    @Value("${local.server.port}")
    int port;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    void seed() {
        jdbc.sql("""
                CREATE TABLE thing (id uuid PRIMARY KEY, customer_id uuid NOT NULL, name text NOT NULL,
                                    kind text NOT NULL, labels jsonb NOT NULL, created_at timestamptz NOT NULL)
                """).update();
        // 5 rows share each name and 10 each creation time, so ties must be broken by id;
        // names carry
        // the characters ILIKE treats specially.
        jdbc.sql("""
                INSERT INTO thing (id, customer_id, name, kind, labels, created_at)
                SELECT gen_random_uuid(), CASE WHEN i % 4 = 0 THEN :b ELSE :a END,
                       CASE WHEN i % 7 = 0 THEN 'press 100%_' || (i % 20) ELSE 'press ' || (i % 20) END,
                       CASE WHEN i % 2 = 0 THEN 'CNC' ELSE 'ASSEMBLY' END,
                       jsonb_build_object('line', (i % 3)::text),
                       timestamptz '2026-01-01T00:00:00Z' + (i % 10) * interval '1 second'
                FROM generate_series(1, 100) AS i
                """).param("a", CUSTOMER_A).param("b", CUSTOMER_B).update();
    }

    @Test
    void aWalkInEveryOrderSeesEveryRowOnceInDatabaseOrder() {
        for (var sort : Map
            .of("name", "name, id", "-name", "name DESC, id DESC", "createdAt", "created_at, id", "-createdAt",
                    "created_at DESC, id DESC")
            .entrySet()) {
            List<String> walked = walk("/api/test/v1/things?limit=7&sort=" + sort.getKey(), ADMIN);
            assertThat(walked).as(sort.getKey())
                .doesNotHaveDuplicates()
                .containsExactlyElementsOf(ids("TRUE", sort.getValue()));
        }
    }

    @Test
    void filtersApplyOnlyWhenGivenAndTakeSearchTextLiterally() {
        assertThat(walk("/api/test/v1/things?limit=500&kind=CNC&label=line:1", ADMIN))
            .containsExactlyElementsOf(ids("kind = 'CNC' AND labels->>'line' = '1'", "name, id"));
        // % and _ are no wildcards: only the names that really contain "100%_".
        assertThat(walk("/api/test/v1/things?limit=500&q=" + encode("100%_"), ADMIN))
            .containsExactlyElementsOf(ids("name LIKE 'press 100\\%\\_%'", "name, id"))
            .isNotEmpty();
        assertThat(walk("/api/test/v1/things?limit=500&q=%25", ADMIN))
            .containsExactlyElementsOf(ids("name LIKE '%\\%%'", "name, id"));
    }

    @Test
    void aCustomersCallerSeesOnlyTheirOwnAndAnotherCustomerIsNotFound() {
        assertThat(walk("/api/test/v1/things?limit=500", VIEWER_A))
            .containsExactlyElementsOf(ids("customer_id = '" + CUSTOMER_A + "'", "name, id"));
        assertThat(walk("/api/test/v1/things?limit=500&customerId=" + CUSTOMER_A, VIEWER_A)).hasSize(75);
        assertProblem(get("/api/test/v1/things?customerId=" + CUSTOMER_B, VIEWER_A), 404, "NOT_FOUND");
        assertThat(walk("/api/test/v1/things?limit=500&customerId=" + CUSTOMER_B, ADMIN))
            .containsExactlyElementsOf(ids("customer_id = '" + CUSTOMER_B + "'", "name, id"));
        assertThat(walk("/api/test/v1/things?limit=500", ADMIN)).hasSize(100);
    }

    @Test
    void limitDefaultsTo50AndBadValuesAreProblemsNamingTheParameter() {
        assertThat(JsonPath.<List<String>>read(get("/api/test/v1/things", ADMIN).body(), "$.items")).hasSize(50);
        assertThat(JsonPath.<List<String>>read(get("/api/test/v1/things?limit=", ADMIN).body(), "$.items")).hasSize(50);
        assertProblem(get("/api/test/v1/things?limit=0", ADMIN), 400, "INVALID_LIMIT");
        assertProblem(get("/api/test/v1/things?limit=501", ADMIN), 400, "INVALID_LIMIT");
        HttpResponse<String> ten = get("/api/test/v1/things?limit=ten", ADMIN);
        assertProblem(ten, 400, "INVALID_PARAMETER");
        assertThat(JsonPath.<String>read(ten.body(), "$.field")).isEqualTo("limit");
        assertThat(JsonPath.<String>read(ten.body(), "$.in")).isEqualTo("query");
        HttpResponse<String> customer = get("/api/test/v1/things?customerId=nobody", ADMIN);
        assertProblem(customer, 400, "INVALID_PARAMETER");
        assertThat(JsonPath.<String>read(customer.body(), "$.field")).isEqualTo("customerId");
        assertProblem(get("/api/test/v1/things?sort=kind", ADMIN), 400, "INVALID_SORT");
        assertProblem(get("/api/test/v1/things?cursor=nope", ADMIN), 400, "INVALID_CURSOR");
    }

    @Test
    void aCursorOnlyServesTheOrderItWasMadeFor() {
        String byName = JsonPath.read(get("/api/test/v1/things?limit=5", ADMIN).body(), "$.nextCursor");
        assertThat(get("/api/test/v1/things?limit=5&cursor=" + byName, ADMIN).statusCode()).isEqualTo(200);
        assertProblem(get("/api/test/v1/things?limit=5&sort=createdAt&cursor=" + byName, ADMIN), 400, "INVALID_CURSOR");
        assertProblem(get("/api/test/v1/customers/" + CUSTOMER_A + "/names?cursor=" + byName, ADMIN), 400,
                "INVALID_CURSOR");
    }

    @Test
    void parametersAListDoesNotTakeAreNotRead() {
        // One fixed order: a sort is ignored as before, not refused.
        assertThat(get("/api/test/v1/fixed?sort=kind", ADMIN).statusCode()).isEqualTo(200);
        // The customer is in the path: a customerId query parameter is nobody's business.
        assertThat(get("/api/test/v1/customers/" + CUSTOMER_A + "/names?customerId=nobody", ADMIN).statusCode())
            .isEqualTo(200);
    }

    @Test
    void aListThatCanOnlyCountPagesByPosition() {
        List<String> walked = walk("/api/test/v1/customers/" + CUSTOMER_A + "/names?limit=3", ADMIN);
        assertThat(walked).containsExactlyElementsOf(NamesController.NAMES);
        for (List<String> foreign : List.of(List.of("names", "-3"), List.of("names", "x"), List.of("other", "3"),
                List.of("names", "99999999999"), List.of("names", "3", "x"))) {
            assertProblem(
                    get("/api/test/v1/customers/" + CUSTOMER_A + "/names?cursor=" + Cursor.encode(foreign), ADMIN), 400,
                    "INVALID_CURSOR");
        }
    }

    private List<String> walk(String path, String token) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> response = get(path + (cursor == null ? "" : "&cursor=" + cursor), token);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            ids.addAll(JsonPath.read(response.body(), "$.items[*]"));
            // Absent on the last page.
            cursor = (String) JsonPath.<Map<String, Object>>read(response.body(), "$").get("nextCursor");
        }
        while (cursor != null);
        return ids;
    }

    private List<String> ids(String where, String orderBy) {
        return jdbc.sql("SELECT id FROM thing WHERE " + where + " ORDER BY " + orderBy).query(String.class).list();
    }

    private HttpResponse<String> get(String path, String token) {
        return send("GET", "http://localhost:" + port + path, null, null, token);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    record Thing(UUID id, String name, Instant createdAt) {
    }

    @RestController
    static class ThingController {

        static final KeysetSorts<Thing> SORTS = KeysetSorts.of(Thing::id, "name")
            .text("name", "name", Thing::name)
            .timestamp("createdAt", "created_at", Thing::createdAt);

        private final JdbcClient jdbc;

        ThingController(JdbcClient jdbc) {
            this.jdbc = jdbc;
        }

        @GetMapping("/api/test/v1/things")
        KeysetPage<UUID> list(Tenant tenant, @ListParameters(sort = "name (default) or createdAt") ListRequest list,
                @RequestParam(required = false) String kind, @RequestParam(required = false) String q,
                @RequestParam(required = false) List<String> label) {
            Keyset<Thing> keyset = list.keyset(SORTS);
            SqlQuery query = new Where().equal("customer_id", list.scope(tenant))
                .equal("kind", kind)
                .containsText(q, "name")
                .containsAll("labels", Labels.filter(label))
                .page("SELECT id, name, created_at FROM thing", keyset);
            return keyset
                .page(query.on(jdbc)
                    .query((row, index) -> new Thing(row.getObject("id", UUID.class), row.getString("name"),
                            row.getObject("created_at", java.time.OffsetDateTime.class).toInstant()))
                    .list())
                .map(Thing::id);
        }

        @GetMapping("/api/test/v1/fixed")
        KeysetPage<UUID> fixed(ListRequest list) {
            Keyset<Thing> keyset = list.keyset(SORTS);
            return keyset
                .page(new Where().page("SELECT id, name, created_at FROM thing", keyset)
                    .on(jdbc)
                    .query((row, index) -> new Thing(row.getObject("id", UUID.class), row.getString("name"), null))
                    .list())
                .map(Thing::id);
        }

    }

    @RestController
    static class NamesController {

        static final List<String> NAMES = IntStream.range(0, 10).mapToObj(i -> "name-" + i).toList();

        @GetMapping("/api/test/v1/customers/{customerId}/names")
        KeysetPage<String> names(@PathVariable UUID customerId, @ListParameters(customerId = false) ListRequest list) {
            int offset = list.offset("names");
            return list.offsetPage("names", offset,
                    NAMES.subList(Math.min(offset, NAMES.size()), Math.min(offset + list.limit() + 1, NAMES.size())));
        }

    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import({ ThingController.class, NamesController.class })
    static class App {

        @Bean
        JdbcClient jdbc() {
            TestPostgres.Database database = TestPostgres.get().createDatabase();
            return JdbcClient.create(new SimpleDriverDataSource(new org.postgresql.Driver(), database.url(),
                    database.user(), database.password()));
        }

    }

}
