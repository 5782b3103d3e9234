package dev.edp.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CpuMeterTests {

    @Test
    void perRequestDividesEachProcessesCpuByTheSuccessfulRequestsAndLeavesOutThoseUnderOnePercent() {
        Map<String, Long> before = new LinkedHashMap<>(
                Map.of("e3-proxy", 1_000_000_000L, "monitoring", 5_000_000_000L, "masterdata", 7_000_000_000L));
        Map<String, Long> after = Map.of("e3-proxy", 3_000_000_000L, "monitoring", 9_000_000_000L, "masterdata",
                7_010_000_000L);

        Map<String, Double> micros = CpuMeter.perRequest(before, after, 10_000);

        // 2 s and 4 s of CPU over 10,000 requests; masterdata's 10 ms is under 1 % of
        // 6.01 s.
        assertThat(micros).containsOnlyKeys("monitoring", "e3-proxy");
        assertThat(micros.get("e3-proxy")).isCloseTo(200.0, within(1e-9));
        assertThat(micros.get("monitoring")).isCloseTo(400.0, within(1e-9));
        assertThat(micros.keySet()).as("largest first").containsExactly("monitoring", "e3-proxy");
        assertThat(CpuMeter.text(micros)).isEqualTo("monitoring 400, e3-proxy 200 (total 600)");
    }

    @Test
    void noSuccessfulRequestMeansNoFigures() {
        assertThat(CpuMeter.perRequest(Map.of("e3-proxy", 0L), Map.of("e3-proxy", 5L), 0)).isEmpty();
        assertThat(CpuMeter.text(Map.of())).isEqualTo("not measured");
    }

    @Test
    void readsTheCpuTimeOfTheProcessesThatThePidFilesName(@TempDir Path state) throws Exception {
        Files.createDirectories(state.resolve("run"));
        Files.writeString(state.resolve("run/e3-proxy.pid"), ProcessHandle.current().pid() + "\n");
        Files.writeString(state.resolve("run/launcher.pid"), ProcessHandle.current().pid() + "\n");
        Files.writeString(state.resolve("run/gone.pid"), "not a pid\n");
        CpuMeter meter = CpuMeter.platform(state, Map.of("nginx", Stream::empty));

        long first = meter.read().get("e3-proxy");
        long sum = 0;
        for (long i = 0; i < 300_000_000L; i++) {
            sum += i ^ (sum >>> 3);
        }
        Map<String, Long> second = meter.read();

        assertThat(sum).isNotZero();
        assertThat(second).as("the launcher's own pid file is left out (its children are the services)")
            .containsOnlyKeys("e3-proxy", "gone", "nginx");
        assertThat(second.get("e3-proxy")).isGreaterThan(first);
        assertThat(second.get("gone")).isZero();
        assertThat(CpuMeter.withDescendants(Optional.empty())).isEmpty();
    }

}
