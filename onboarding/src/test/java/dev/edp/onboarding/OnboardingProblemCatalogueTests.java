package dev.edp.onboarding;

import java.util.Arrays;
import java.util.List;

import dev.edp.onboarding.pki.CsrRejectedException;
import dev.edp.test.docs.ProblemCatalogueChecks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The problem catalogue, its README table and the code that raises problems agree. */
class OnboardingProblemCatalogueTests {

    @Test
    void theReadmeListsEveryProblemWithItsStatusAndTitleAndNoOther() {
        ProblemCatalogueChecks.assertReadmeLists(Arrays.stream(OnboardingProblem.values())
            .map(problem -> List.of(problem.code(), String.valueOf(problem.status().value()), problem.title()))
            .toList());
    }

    @Test
    void problemsAreRaisedThroughTheCatalogueNeverWithInlineCodesAndTitles() {
        ProblemCatalogueChecks.assertRaisedOnlyThroughTheCatalogue();
    }

    @Test
    void everyReasonACsrIsRefusedForHasItsProblem() {
        assertThat(Arrays.stream(CsrRejectedException.Reason.values())
            .map(reason -> OnboardingProblem.valueOf(reason.name()).status().value())).containsOnly(400);
    }

}
