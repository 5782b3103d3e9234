package dev.edp.systemtest;

import dev.edp.bench.BenchCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's smoke run ({@code ./edp bench --smoke}) against the running platform: a
 * few devices enroll through E3, nginx terminates the same mTLS, every phase runs for
 * seconds, and each heartbeat the platform accepted is checked in PostgreSQL. It fails
 * only when a path is broken (a phase without a single success, an enrollment missing, a
 * heartbeat not stored, the fan-out not reaching every device), never on a timing: the
 * numbers come from the full command (docs/benchmarks.md).
 */
@ExtendWith(RunningPlatform.class)
class BenchmarkSmokeIntegrationTests {

    @Test
    void everyPathOfTheBenchmarkWorksEndToEnd(RunningPlatform platform) {
        int exit = new CommandLine(new BenchCli()).execute("--smoke", "--attach", platform.stateDir().toString(),
                "--port-offset", Integer.toString(platform.portOffset()), "--noop-port",
                Integer.toString(platform.benchmarkNoopPort()), "--root", platform.repositoryRoot().toString());
        assertThat(exit).as("edp-bench --smoke exit code (its output above names the broken path)").isZero();
    }

}
