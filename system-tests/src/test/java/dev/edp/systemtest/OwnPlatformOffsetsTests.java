package dev.edp.systemtest;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two own platforms of the system tests, in this build or another one on the machine,
 * never share a port.
 */
class OwnPlatformOffsetsTests {

    @Test
    void noPortOfOneCandidateIsAPortOfAnotherAndAllLieAboveTheEphemeralRange() {
        List<Integer> ports = RestoreFromBackupIntegrationTests.PLATFORM_PORTS;
        for (int a : OwnPlatformOffsets.CANDIDATES) {
            assertThat(ports).allSatisfy(port -> assertThat(port + a).isBetween(61000, 65535));
            for (int b : OwnPlatformOffsets.CANDIDATES) {
                if (a != b) {
                    for (int port : ports) {
                        assertThat(ports).as("offsets %d and %d", a, b).doesNotContain(port + a - b);
                    }
                }
            }
        }
    }

    @Test
    void anOffsetReservedOnceIsNotHandedOutAgain() {
        int first = OwnPlatformOffsets.reserve(offset -> true);
        int second = OwnPlatformOffsets.reserve(offset -> true);
        assertThat(second).isNotEqualTo(first);
        assertThat(OwnPlatformOffsets.CANDIDATES).contains(first, second);
    }

    @Test
    void anOffsetWhosePortsAreTakenIsSkipped() {
        int chosen = OwnPlatformOffsets.reserve(offset -> offset != 52930);
        assertThat(chosen).isNotEqualTo(52930);
    }

}
