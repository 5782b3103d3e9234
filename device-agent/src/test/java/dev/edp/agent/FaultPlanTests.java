package dev.edp.agent;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which simulated devices get an injected fault. */
class FaultPlanTests {

    @Test
    void theSharesAreExactAndNoDeviceHasTwoFaults() {
        FaultPlan plan = FaultPlan.of(20_000, 0.05, 0.02, 7);
        List<InjectedFault> faults = faults(plan, 20_000);
        assertThat(faults).filteredOn(InjectedFault.RECONCILIATION_FAILS::equals).hasSize(1000);
        assertThat(faults).filteredOn(InjectedFault.UNRESPONSIVE::equals).hasSize(400);
        assertThat(faults).filteredOn(InjectedFault.NONE::equals).hasSize(18_600);
        assertThat(faults(FaultPlan.of(10, 0, 0, 7), 10)).containsOnly(InjectedFault.NONE);
        assertThat(faults(FaultPlan.of(10, 0.5, 0.5, 7), 10)).doesNotContain(InjectedFault.NONE);
    }

    @Test
    void theSameSeedChoosesTheSameDevicesAnotherSeedOthers() {
        List<InjectedFault> first = faults(FaultPlan.of(20_000, 0.05, 0.02, 7), 20_000);
        assertThat(faults(FaultPlan.of(20_000, 0.05, 0.02, 7), 20_000)).isEqualTo(first);
        assertThat(faults(FaultPlan.of(20_000, 0.05, 0.02, 8), 20_000)).isNotEqualTo(first);
        // Spread over the fleet, not the first numbers.
        assertThat(first.subList(0, 1400)).filteredOn(f -> f != InjectedFault.NONE).hasSizeLessThan(300);
    }

    private static List<InjectedFault> faults(FaultPlan plan, int devices) {
        return IntStream.rangeClosed(1, devices).mapToObj(plan::faultOf).toList();
    }

}
