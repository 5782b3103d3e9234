package dev.edp.devicemanagement.desiredstate;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;

import dev.edp.devicemanagement.Api;
import dev.edp.devicemanagement.support.DeviceConnectionShare;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static dev.edp.devicemanagement.TestDevices.desiredState;
import static dev.edp.devicemanagement.desiredstate.DesiredStateIntegrationTests.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A burst of device requests whose database work is slow (here: a lock on
 * {@code environment_pin}, which only the desired-state read needs) holds at most the
 * device share of the pool (8 connections less 3 reserved), so an operator's call still
 * gets a connection at once. (Requests arriving together are read in batches by
 * {@link DesiredStateReads}, so fewer connections than the share may be held.) Without
 * the share, the devices took every connection and the operator's call was a 503 after
 * the pool's 2 s (a platform fault test: all long-polls of a killed replica arriving at
 * the survivor).
 */
@EdpServiceTest
@TestPropertySource(properties = { "spring.datasource.hikari.maximum-pool-size=8",
        "edp.device-management.reserved-connections=3", "edp.device-management.device-share-wait=60s",
        "spring.datasource.hikari.data-source-properties.options=-c statement_timeout=60s -c lock_timeout=60s" })
class DeviceConnectionShareIntegrationTests {

    static final int DEVICE_REQUESTS = 12;

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    DeviceConnectionShare share;

    @Autowired
    DesiredStateReads arrivals;

    long waitingForTheLock() {
        return jdbc.sql("""
                SELECT count(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND query LIKE '%FROM device d%'""").query(Long.class).single();
    }

    @Test
    void aBurstOfSlowDeviceReadsLeavesConnectionsForOperators() throws Exception {
        Api api = new Api(checks);
        UUID customer = UUID.randomUUID();
        UUID device = api.registerDevice(customer, "share-1");
        jdbc.sql("UPDATE device SET lifecycle = 'ACTIVE' WHERE id = :id").param("id", device).update();
        assertThat(share.size()).isEqualTo(5);

        List<CompletableFuture<HttpResponse<String>>> reads;
        HttpResponse<String> operatorRead;
        try (ExecutorService devices = Executors.newVirtualThreadPerTaskExecutor();
                Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("LOCK TABLE environment_pin IN ACCESS EXCLUSIVE MODE");
            }
            reads = IntStream.range(0, DEVICE_REQUESTS)
                .mapToObj(index -> CompletableFuture
                    .supplyAsync(() -> desiredState(checks.baseUrl(), device, customer, null, 0), devices))
                .toList();
            // Every request has arrived; at most the share's readers hold a connection
            // (each with a batch of requests), the others wait for their turn, not for a
            // connection.
            await().atMost(DEADLINE).until(() -> arrivals.pending() == DEVICE_REQUESTS && waitingForTheLock() >= 1);
            assertThat(waitingForTheLock()).as("device reads holding a connection").isLessThanOrEqualTo(share.size());

            // With no connection free it would be a 503 after the pool's 2 s.
            operatorRead = api.get("/devices?limit=10", Api.viewer(customer));
            assertThat(waitingForTheLock()).as("device reads holding a connection").isLessThanOrEqualTo(share.size());
            blocker.rollback();
            for (CompletableFuture<HttpResponse<String>> read : reads) {
                HttpResponse<String> answer = read.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            }
        }
        assertThat(operatorRead.statusCode()).as(operatorRead.body()).isEqualTo(200);
    }

}
