package dev.edp.devicemanagement.desiredstate;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import dev.edp.devicemanagement.Api;
import dev.edp.devicemanagement.support.DeviceConnectionShare;
import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import static dev.edp.devicemanagement.TestDevices.desiredState;
import static dev.edp.devicemanagement.desiredstate.DesiredStateIntegrationTests.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Device requests that arrive together have their desired state read together: 100
 * requests of two customers' devices, queued while the first reads are held up by a lock,
 * cost a handful of queries (each reader's first batch, then one query per customer for
 * all the rest), not 100. Each still gets its own device's state, and a device asked for
 * under another customer's identity in the same batch is a 404 while its neighbours are
 * answered.
 */
@EdpServiceTest
@TestPropertySource(properties = { "spring.datasource.hikari.maximum-pool-size=5",
        "edp.device-management.reserved-connections=3", "edp.device-management.device-share-wait=60s",
        "spring.datasource.hikari.data-source-properties.options=-c statement_timeout=60s -c lock_timeout=60s" })
class DesiredStateArrivalReadsIntegrationTests {

    static final int DEVICES_EACH = 50;

    @Autowired
    ServiceSmokeChecks checks;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    DeviceConnectionShare share;

    @Autowired
    DesiredStateReads reads;

    @Autowired
    MeterRegistry meters;

    double queries() {
        return meters.get("edp.desired.state.arrival.reads").counter().count();
    }

    @Test
    void requestsArrivingTogetherAreReadInOneQueryPerCustomer() throws Exception {
        Api api = new Api(checks);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID release = api.release(first, "app", "r1");
        api.pinTesting(first, release);
        List<UUID> firstDevices = devices(api, first, "first");
        List<UUID> secondDevices = devices(api, second, "second");
        assertThat(share.size()).isEqualTo(2);

        double queriesBefore = queries();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
                Connection blocker = dataSource.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement statement = blocker.createStatement()) {
                statement.execute("LOCK TABLE environment_pin IN ACCESS EXCLUSIVE MODE");
            }
            List<CompletableFuture<HttpResponse<String>>> firstAnswers = ask(executor, firstDevices, first);
            List<CompletableFuture<HttpResponse<String>>> secondAnswers = ask(executor, secondDevices, second);
            // Another customer's device, in the same burst.
            CompletableFuture<HttpResponse<String>> foreign = CompletableFuture
                .supplyAsync(() -> desiredState(checks.baseUrl(), firstDevices.get(0), second, null, 0), executor);
            await().atMost(DEADLINE).until(() -> reads.pending() == 2 * DEVICES_EACH + 1);
            blocker.rollback();

            for (CompletableFuture<HttpResponse<String>> answer : firstAnswers) {
                HttpResponse<String> response = answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat((String) Api.read(response, "$.releaseId")).isEqualTo(release.toString());
                assertThat(firstDevices).contains(UUID.fromString(Api.read(response, "$.deviceId")));
            }
            for (CompletableFuture<HttpResponse<String>> answer : secondAnswers) {
                HttpResponse<String> response = answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                assertThat(Api.readOrNull(response, "$.releaseId")).isNull();
                assertThat(secondDevices).contains(UUID.fromString(Api.read(response, "$.deviceId")));
            }
            HttpResponse<String> refused = foreign.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(404);
        }
        // Each of the two readers' first batches (both customers at most), then one query
        // per customer for everything queued behind them; one query a request would be
        // 101.
        assertThat(queries() - queriesBefore).as("queries for 101 requests").isBetween(2.0, 6.0);
    }

    List<UUID> devices(Api api, UUID customer, String prefix) {
        List<UUID> devices = new ArrayList<>();
        for (int index = 0; index < DEVICES_EACH; index++) {
            UUID device = api.registerDevice(customer, prefix + "-" + index);
            jdbc.sql("UPDATE device SET lifecycle = 'ACTIVE' WHERE id = :id").param("id", device).update();
            devices.add(device);
        }
        return devices;
    }

    List<CompletableFuture<HttpResponse<String>>> ask(ExecutorService executor, List<UUID> devices, UUID customer) {
        return devices.stream()
            .map(device -> CompletableFuture
                .supplyAsync(() -> desiredState(checks.baseUrl(), device, customer, null, 0), executor))
            .toList();
    }

}
