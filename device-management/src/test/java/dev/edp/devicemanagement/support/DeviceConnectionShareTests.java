package dev.edp.devicemanagement.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.edp.platform.problem.DatabaseFailures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.dao.TransientDataAccessResourceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The device share of the pool: its size is the pool less the reserve, and a device
 * request that gets no turn within the wait is a database fault (503 with
 * {@code Retry-After}), not an error.
 */
class DeviceConnectionShareTests {

    @Test
    void theShareIsThePoolLessTheReserveAndAtLeastOne() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        assertThat(new DeviceConnectionShare(10, 3, Duration.ofSeconds(5), meters).size()).isEqualTo(7);
        assertThat(new DeviceConnectionShare(2, 3, Duration.ofSeconds(5), new SimpleMeterRegistry()).size())
            .isEqualTo(1);
    }

    @Test
    void noTurnWithinTheWaitIsADatabaseFaultAndTheTurnIsGivenBack() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        DeviceConnectionShare share = new DeviceConnectionShare(4, 3, Duration.ofMillis(200), meters);
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> held = executor.submit(() -> share.call(() -> {
                holding.countDown();
                await(release);
                return "done";
            }));
            await(holding);
            assertThat(meters.get("edp.devices.connection.share.in.use").gauge().value()).isEqualTo(1.0);
            assertThatThrownBy(() -> share.call(() -> "second"))
                .isInstanceOf(TransientDataAccessResourceException.class)
                .satisfies(failure -> assertThat(DatabaseFailures.isUnavailable(failure)).isTrue());
            release.countDown();
            assertThat(held.get(30, TimeUnit.SECONDS)).isEqualTo("done");
        }
        assertThat(share.call(() -> "after")).isEqualTo("after");
        assertThat(meters.get("edp.devices.connection.share.in.use").gauge().value()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).isTrue();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

}
