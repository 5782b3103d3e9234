package dev.edp.devicemanagement.desiredstate;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.edp.devicemanagement.AbstractApiIntegrationTests;
import dev.edp.devicemanagement.Api;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static dev.edp.devicemanagement.TestDevices.desiredState;
import static dev.edp.devicemanagement.desiredstate.DesiredStateIntegrationTests.DEADLINE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pin wakes every parked long-poll of its customer with one read of their states (per
 * 500 devices), not one read each: 40 parked devices, one wake-up read (at most three if
 * the registrations' own notifications arrive late), all 40 answered with the new
 * release.
 */
class DesiredStateWakeUpIntegrationTests extends AbstractApiIntegrationTests {

    static final int DEVICES = 40;

    @Autowired
    DesiredStateWaiters waiters;

    @Autowired
    MeterRegistry meters;

    double count(String name) {
        return meters.get(name).counter().count();
    }

    @Test
    void aPinWakesEveryParkedDeviceOfTheCustomerWithOneRead() throws Exception {
        UUID release = api.release(customer, "app", "r1");
        List<UUID> devices = new ArrayList<>();
        for (int index = 0; index < DEVICES; index++) {
            devices.add(activeDevice(customer, "wake-" + index));
        }
        await().atMost(DEADLINE).until(waiters::isListening);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<HttpResponse<String>>> polls = new ArrayList<>();
            for (UUID device : devices) {
                String etag = Api.etag(desiredState(checks.baseUrl(), device, customer, null, 0));
                polls.add(CompletableFuture
                    .supplyAsync(() -> desiredState(checks.baseUrl(), device, customer, etag, 30), executor));
            }
            await().atMost(DEADLINE).until(() -> waiters.waiting(customer) == DEVICES);
            double readsBefore = count("edp.desired.state.wake.reads");
            double wokenBefore = count("edp.desired.state.woken");

            api.pinTesting(customer, release);

            for (CompletableFuture<HttpResponse<String>> poll : polls) {
                HttpResponse<String> answer = poll.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat((String) Api.read(answer, "$.releaseId")).isEqualTo(release.toString());
            }
            // A registration's notification processed late may add a wake-up of its own
            // (without a change); one read per device would be 40.
            assertThat(count("edp.desired.state.woken") - wokenBefore).as("long-polls offered their state")
                .isGreaterThanOrEqualTo(DEVICES);
            assertThat(count("edp.desired.state.wake.reads") - readsBefore).as("reads for the whole wake-up")
                .isBetween(1.0, 3.0);
        }
    }

}
