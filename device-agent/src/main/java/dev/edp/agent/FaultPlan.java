package dev.edp.agent;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Which simulated devices misbehave: exactly {@code round(rate × devices)} of them per
 * fault, chosen by device number and seed alone (the same seed picks the same devices on
 * every run), and no device has two faults.
 */
final class FaultPlan {

    private final InjectedFault[] faults;

    private FaultPlan(InjectedFault[] faults) {
        this.faults = faults;
    }

    /**
     * @param devices how many devices, numbered 1 to {@code devices}
     * @param failRate share whose reconciliations fail
     * @param unresponsiveRate share that never apply a desired state
     * @param seed chooses which devices
     * @return the plan
     */
    static FaultPlan of(int devices, double failRate, double unresponsiveRate, long seed) {
        InjectedFault[] faults = new InjectedFault[devices + 1];
        Arrays.fill(faults, InjectedFault.NONE);
        int failing = (int) Math.round(failRate * devices);
        int unresponsive = Math.min(devices - failing, (int) Math.round(unresponsiveRate * devices));
        // Devices in the order of a hash of (seed, number): a permutation that depends on
        // nothing else.
        int[] order = IntStream.rangeClosed(1, devices)
            .boxed()
            .sorted(Comparator.comparingLong((Integer n) -> mix(seed, n)).thenComparing(n -> n))
            .mapToInt(Integer::intValue)
            .toArray();
        for (int i = 0; i < failing + unresponsive; i++) {
            faults[order[i]] = i < failing ? InjectedFault.RECONCILIATION_FAILS : InjectedFault.UNRESPONSIVE;
        }
        return new FaultPlan(faults);
    }

    /**
     * @param number the device's number (1-based, as in its name) @return its fault
     */
    InjectedFault faultOf(int number) {
        return number >= 1 && number < faults.length ? faults[number] : InjectedFault.NONE;
    }

    /** SplitMix64's finaliser: well-spread bits for consecutive numbers. */
    private static long mix(long seed, long number) {
        long z = seed * 0x9E3779B97F4A7C15L + number;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

}
