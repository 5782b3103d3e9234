package dev.edp.e3;

import java.util.Arrays;
import java.util.List;

import dev.edp.test.docs.ProblemCatalogueChecks;
import org.junit.jupiter.api.Test;

/** The problem catalogue, its README table and the code that raises problems agree. */
class E3ProblemCatalogueTests {

    @Test
    void theReadmeListsEveryProblemWithItsStatusAndTitleAndNoOther() {
        ProblemCatalogueChecks.assertReadmeLists(Arrays.stream(E3Problem.values())
            .map(problem -> List.of(problem.code(), String.valueOf(problem.status().value()), problem.title()))
            .toList());
    }

    @Test
    void problemsAreRaisedThroughTheCatalogueNeverWithInlineCodesAndTitles() {
        ProblemCatalogueChecks.assertRaisedOnlyThroughTheCatalogue();
    }

}
