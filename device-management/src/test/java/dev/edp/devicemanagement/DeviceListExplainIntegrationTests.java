package dev.edp.devicemanagement;

import java.util.List;
import java.util.UUID;

import dev.edp.test.service.EdpServiceTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-customer device list at 100,000 devices is served by an index, never a scan of
 * the table.
 */
@EdpServiceTest
class DeviceListExplainIntegrationTests {

    @Autowired
    JdbcClient jdbc;

    @Test
    void perCustomerListUsesAnIndexAtHundredThousandDevices() {
        UUID customer = UUID.fromString("00000000-0000-0000-0000-000000000042");
        jdbc.sql("""
                INSERT INTO device (id, customer_id, name, environment, labels, lifecycle, connectivity, version,
                                    created_at, created_by, updated_at, updated_by)
                SELECT gen_random_uuid(),
                       ('00000000-0000-0000-0000-' || lpad((n % 200)::text, 12, '0'))::uuid,
                       'device-' || lpad(n::text, 6, '0'),
                       (ARRAY['TESTING','STAGING','PRODUCTION'])[1 + n % 3],
                       jsonb_build_object('line', (n % 10)::text),
                       CASE WHEN n % 50 = 0 THEN 'DECOMMISSIONED' ELSE 'ACTIVE' END,
                       (ARRAY['ONLINE','OFFLINE','UNKNOWN'])[1 + n % 3],
                       1, now() - n * interval '1 second', 'bench', now(), 'bench'
                FROM generate_series(1, 100000) AS n
                """).update();
        jdbc.sql("ANALYZE device").update();

        String byName = plan("""
                EXPLAIN SELECT * FROM device WHERE customer_id = '%s' AND lifecycle <> 'DECOMMISSIONED'
                ORDER BY name, id LIMIT 51""".formatted(customer));
        assertThat(byName).doesNotContain("Seq Scan on device").contains("device_customer_name_idx");

        String filtered = plan("""
                EXPLAIN SELECT * FROM device WHERE customer_id = '%s' AND lifecycle <> 'DECOMMISSIONED'
                AND environment = 'PRODUCTION' AND connectivity = 'ONLINE' AND (name, id) > ('device-000500', '%s')
                ORDER BY name, id LIMIT 51""".formatted(customer, UUID.randomUUID()));
        assertThat(filtered).doesNotContain("Seq Scan on device");

        String byCreated = plan("""
                EXPLAIN SELECT * FROM device WHERE customer_id = '%s' AND lifecycle <> 'DECOMMISSIONED'
                ORDER BY created_at DESC, id DESC LIMIT 51""".formatted(customer));
        assertThat(byCreated).doesNotContain("Seq Scan on device");

        String byLabel = plan("""
                EXPLAIN SELECT * FROM device WHERE labels @> '{"line":"3"}' AND name ILIKE '%%00012%%'
                AND customer_id = '%s' ORDER BY name, id LIMIT 51""".formatted(customer));
        assertThat(byLabel).doesNotContain("Seq Scan on device");
    }

    private String plan(String sql) {
        List<String> lines = jdbc.sql(sql).query(String.class).list();
        return String.join("\n", lines);
    }

}
