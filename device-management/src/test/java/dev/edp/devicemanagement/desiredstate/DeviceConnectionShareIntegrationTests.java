package dev.edp.devicemanagement.desiredstate;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;

import dev.edp.devicemanagement.AbstractApiIntegrationTests;
import dev.edp.devicemanagement.Api;
import dev.edp.devicemanagement.support.DeviceConnectionShare;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

import static dev.edp.devicemanagement.TestDevices.desiredState;
import static dev.edp.devicemanagement.desiredstate.DesiredStateIntegrationTests.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Device requests whose database work is slow (here: a lock on {@code environment_pin},
 * which only the desired-state read needs) hold at most the device share of the pool (5
 * connections less 3 reserved), so an operator's call still gets a connection at once.
 * Without the share, the devices took every connection and the operator's call was a 503
 * after the pool's 2 s (a platform fault test: all long-polls of a killed replica
 * arriving at the survivor). Requests that arrive together meanwhile are read together,
 * by {@link DesiredStateReads}: one query per customer, not one each.
 */
@TestPropertySource(properties = { "spring.datasource.hikari.maximum-pool-size=5",
        "edp.device-management.reserved-connections=3", "edp.device-management.device-share-wait=60s",
        "spring.datasource.hikari.data-source-properties.options=-c statement_timeout=60s -c lock_timeout=60s" })
class DeviceConnectionShareIntegrationTests extends AbstractApiIntegrationTests {

    static final int DEVICES_EACH = 50;

    @Autowired
    DataSource dataSource;

    @Autowired
    DeviceConnectionShare share;

    @Autowired
    DesiredStateReads reads;

    @Autowired
    MeterRegistry meters;

    @Test
    void aBurstOfSlowDeviceReadsLeavesConnectionsForOperators() throws Exception {
        UUID device = activeDevice(customer, "share-1");
        int requests = 12;
        assertThat(share.size()).isEqualTo(2);

        List<CompletableFuture<HttpResponse<String>>> answers;
        HttpResponse<String> operatorRead;
        try (ExecutorService devices = Executors.newVirtualThreadPerTaskExecutor();
                TableLock pins = TableLock.on(dataSource, "environment_pin")) {
            answers = ask(devices, IntStream.range(0, requests).mapToObj(index -> device).toList(), customer);
            // Every request has arrived; at most the share's readers hold a connection
            // (each with a batch of requests), the others wait for their turn, not for a
            // connection.
            await().atMost(DEADLINE)
                .until(() -> reads.pending() == requests && TableLock.waitingDeviceReads(jdbc) >= 1);
            assertThat(TableLock.waitingDeviceReads(jdbc)).as("device reads holding a connection")
                .isLessThanOrEqualTo(share.size());

            // With no connection free it would be a 503 after the pool's 2 s.
            operatorRead = api.get("/devices?limit=10", Api.viewer(customer));
            assertThat(TableLock.waitingDeviceReads(jdbc)).as("device reads holding a connection")
                .isLessThanOrEqualTo(share.size());
            pins.release();
            for (CompletableFuture<HttpResponse<String>> answer : answers) {
                HttpResponse<String> response = answer.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            }
        }
        assertThat(operatorRead.statusCode()).as(operatorRead.body()).isEqualTo(200);
    }

    /**
     * 100 requests of two customers' devices, queued while the first reads are held up,
     * cost a handful of queries (each reader's first batch, then one query per customer
     * for all the rest), not 100. Each still gets its own device's state, and a device
     * asked for under another customer's identity in the same batch is a 404 while its
     * neighbours are answered.
     */
    @Test
    void requestsArrivingTogetherAreReadInOneQueryPerCustomer() throws Exception {
        UUID second = UUID.randomUUID();
        UUID release = api.release(customer, "app", "r1");
        api.pinTesting(customer, release);
        List<UUID> firstDevices = devices(customer, "first");
        List<UUID> secondDevices = devices(second, "second");
        assertThat(share.size()).isEqualTo(2);

        double queriesBefore = queries();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
                TableLock pins = TableLock.on(dataSource, "environment_pin")) {
            List<CompletableFuture<HttpResponse<String>>> firstAnswers = ask(executor, firstDevices, customer);
            List<CompletableFuture<HttpResponse<String>>> secondAnswers = ask(executor, secondDevices, second);
            // Another customer's device, in the same burst.
            CompletableFuture<HttpResponse<String>> foreign = ask(executor, List.of(firstDevices.get(0)), second)
                .getFirst();
            await().atMost(DEADLINE).until(() -> reads.pending() == 2 * DEVICES_EACH + 1);
            pins.release();

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

    double queries() {
        return meters.get("edp.desired.state.arrival.reads").counter().count();
    }

    List<UUID> devices(UUID customer, String prefix) {
        List<UUID> devices = new ArrayList<>();
        for (int index = 0; index < DEVICES_EACH; index++) {
            devices.add(activeDevice(customer, prefix + "-" + index));
        }
        return devices;
    }

    /** The devices' desired-state requests, sent at once. */
    List<CompletableFuture<HttpResponse<String>>> ask(ExecutorService executor, List<UUID> devices, UUID customer) {
        return devices.stream()
            .map(device -> CompletableFuture
                .supplyAsync(() -> desiredState(checks.baseUrl(), device, customer, null, 0), executor))
            .toList();
    }

}
