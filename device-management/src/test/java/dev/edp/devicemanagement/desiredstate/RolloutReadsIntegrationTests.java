package dev.edp.devicemanagement.desiredstate;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;

import dev.edp.devicemanagement.AbstractApiIntegrationTests;
import dev.edp.devicemanagement.TestDevices;
import dev.edp.devicemanagement.rollout.RolloutDeviceStatus;
import dev.edp.devicemanagement.rollout.RolloutReports;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import static dev.edp.devicemanagement.Api.operator;
import static dev.edp.devicemanagement.Api.read;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a device's own statements read of a large rollout: its desired state and its
 * report fetch its own assignment, not the rows of every started group, with and without
 * statistics on {@code rollout_device} (a rollout writes all its rows at once; autovacuum
 * analyzes them a minute later at the earliest). Counted in index tuples fetched within
 * one transaction ({@code pg_stat_xact_user_tables}: exact, and independent of the
 * machine's speed), over more calls than the driver's prepare threshold and PostgreSQL's
 * five custom plans, so the generic plan counts too.
 */
@TestPropertySource(properties = "edp.device-management.rollouts.evaluate-interval=1h")
class RolloutReadsIntegrationTests extends AbstractApiIntegrationTests {

    /** Devices in the rollout's started first group (as many in the second). */
    static final int STARTED = 1000;

    /** Calls per statement measured. */
    static final int CALLS = 20;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    DesiredStateRepository states;

    @Autowired
    RolloutReports reports;

    long fetched() {
        return jdbc
            .sql("SELECT coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables WHERE relname = 'rollout_device'")
            .query(Long.class)
            .single();
    }

    /** Index tuples of rollout_device fetched per desired-state read and per report. */
    long[] perCall(UUID customer, UUID release, List<UUID> devices) {
        return transactions.execute(status -> {
            long before = fetched();
            for (UUID device : devices) {
                assertThat(states.find(device, customer).orElseThrow().releaseId()).isEqualTo(release);
            }
            long desired = fetched() - before;
            long between = fetched();
            for (UUID device : devices) {
                reports.reported(device, release, RolloutDeviceStatus.RECONCILING, null);
            }
            long reported = fetched() - between;
            status.setRollbackOnly();
            System.out.printf("rollout_device index tuples per call: desired state %d, report %d%n",
                    desired / devices.size(), reported / devices.size());
            return new long[] { desired / devices.size(), reported / devices.size() };
        });
    }

    @Test
    void aDevicesDesiredStateAndReportFetchOnlyItsOwnAssignmentRightAfterTheRolloutStarted() {
        UUID release = api.release(customer, "app", "reads");
        TestDevices.insertFleet(jdbc, customer, "reads", 2 * STARTED, 1);
        // As on a fresh platform, or for a new rollout id the statistics do not know:
        // rollout_device without statistics when the rollout starts, and autovacuum kept
        // from making some meanwhile.
        jdbc.sql("ALTER TABLE rollout_device SET (autovacuum_enabled = false)").update();
        try {
            jdbc.sql("DELETE FROM pg_statistic WHERE starelid = 'rollout_device'::regclass").update();
            jdbc.sql("UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = 'rollout_device'::regclass")
                .update();
            HttpResponse<String> created = api.post("/rollouts", operator(customer), """
                    {"releaseId":"%s","environment":"TESTING","groups":[{"size":"50%%"},{"size":"100%%"}]}"""
                .formatted(release));
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            UUID rollout = UUID.fromString(read(created, "$.id"));
            List<UUID> devices = jdbc.sql("""
                    SELECT device_id FROM rollout_device WHERE rollout_id = :id AND group_index = 0
                    ORDER BY position DESC LIMIT :calls
                    """).param("id", rollout).param("calls", CALLS).query(UUID.class).list();
            long[] perCall = perCall(customer, release, devices);
            assertThat(perCall[0]).as("rollout_device index tuples per desired-state read").isLessThanOrEqualTo(3);
            assertThat(perCall[1]).as("rollout_device index tuples per report").isLessThanOrEqualTo(3);
        }
        finally {
            jdbc.sql("ALTER TABLE rollout_device RESET (autovacuum_enabled)").update();
        }
    }

}
