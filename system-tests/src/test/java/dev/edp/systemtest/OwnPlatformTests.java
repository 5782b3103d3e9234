package dev.edp.systemtest;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two own platforms of the system tests, in this build or another one on the machine,
 * never share a port.
 */
class OwnPlatformTests {

    @Test
    void noPortOfOneCandidateIsAPortOfAnotherAndAllLieAboveTheEphemeralRange() {
        List<Integer> ports = OwnPlatform.allPorts();
        for (int a : OwnPlatform.OFFSETS) {
            assertThat(ports).allSatisfy(port -> assertThat(port + a).isBetween(61000, 65535));
            for (int b : OwnPlatform.OFFSETS) {
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
        int first = OwnPlatform.reserveOffset(offset -> true);
        int second = OwnPlatform.reserveOffset(offset -> true);
        assertThat(second).isNotEqualTo(first);
        assertThat(OwnPlatform.OFFSETS).contains(first, second);
    }

    @Test
    void anOffsetWhosePortsAreTakenIsSkipped() {
        int chosen = OwnPlatform.reserveOffset(offset -> offset != 52930);
        assertThat(chosen).isNotEqualTo(52930);
    }

}
