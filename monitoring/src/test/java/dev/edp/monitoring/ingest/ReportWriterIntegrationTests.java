package dev.edp.monitoring.ingest;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** Large flushes, written straight through the writer. */
@MonitoringTest
class ReportWriterIntegrationTests extends MonitoringIntegrationTest {

    @Autowired
    ReportWriter writer;

    @Test
    void aFlushOfFiveThousandDevicesInsertsThenUpdatesEachOnceWithOneEventForNewDevices() {
        UUID customer = UUID.randomUUID();
        List<UUID> devices = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            devices.add(UUID.randomUUID());
        }
        writer.write(beats(devices, customer, 1), List.of());
        writer.write(beats(devices, customer, 2), List.of());

        assertThat(count("SELECT count(*) FROM device_status WHERE customer_id = :c AND uptime_seconds = 2", "c",
                customer))
            .isEqualTo(5000);
        assertThat(count("SELECT count(*) FROM connectivity_event WHERE customer_id = :c", "c", customer))
            .isEqualTo(5000);
        assertThat(count("SELECT count(*) FROM heartbeat_history WHERE customer_id = :c", "c", customer))
            .isBetween(5000L, 10_000L);
    }

    static List<ReportBuffer.Heartbeat> beats(List<UUID> devices, UUID customer, long uptime) {
        HeartbeatRequest.Usage usage = new HeartbeatRequest.Usage(1L, 2L);
        HeartbeatRequest values = new HeartbeatRequest(uptime, "1.0.0", "os", 1.0, usage, usage, usage,
                new HeartbeatRequest.Containers(1, 2));
        Instant now = Instant.now();
        return devices.stream().map(device -> new ReportBuffer.Heartbeat(device, customer, now, null, values)).toList();
    }

}
