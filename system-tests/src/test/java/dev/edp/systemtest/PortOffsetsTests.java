package dev.edp.systemtest;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * The shared platform's offset is reserved like an own platform's: a build that reaches
 * the system tests while another one starts its platform never takes the same offset.
 */
class PortOffsetsTests {

    @Test
    void eachCandidateIsHandedOutOnceAndWhenAllAreHeldTheRefusalSaysForWhat() {
        // Offsets of this test's own: their lock files are nobody else's.
        List<Integer> candidates = List.of(1, 2);
        int first = PortOffsets.reserve(candidates, offset -> true, "for this test");
        int second = PortOffsets.reserve(candidates, offset -> true, "for this test");

        assertThat(List.of(first, second)).containsExactlyInAnyOrderElementsOf(candidates);
        assertThatIllegalStateException()
            .isThrownBy(() -> PortOffsets.reserve(candidates, offset -> true, "for this test"))
            .withMessageContaining("[1, 2] for this test");
    }

    @Test
    void theSharedPlatformsCandidatesLieBelowTheEphemeralRangeForTwoBuilds() {
        // The first two candidates (one per build) keep every port under 32768, where no
        // outgoing connection of the machine can take one while the platform starts.
        int second = PortOffsets.CANDIDATES.get(1);
        assertThat(PortOffsets.BASE_PORTS).allSatisfy(port -> assertThat(port + second).isLessThan(32768));
    }

}
