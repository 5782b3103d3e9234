package dev.edp.platform.problem;

import java.util.List;
import java.util.stream.Stream;

import dev.edp.platform.web.WebProblem;
import dev.edp.test.docs.ProblemCatalogueChecks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The starter's catalogues and the table in its README agree. */
class PlatformProblemCatalogueTests {

    @Test
    void theReadmeListsEveryProblemOfTheStarterWithItsStatusAndTitle() {
        Stream<ProblemType> catalogues = Stream.concat(Stream.of(PlatformProblem.values()),
                Stream.of(WebProblem.values()));
        List<List<String>> rows = Stream
            .concat(Stream.of(List.of(NotFound.CODE, "404", NotFound.of("x").getBody().getTitle())), catalogues
                .map(problem -> List.of(problem.code(), String.valueOf(problem.status().value()), problem.title())))
            .toList();
        ProblemCatalogueChecks.assertReadmeLists(rows);
    }

    @Test
    void aRaisedProblemCarriesItsExtraMembersAndRetryAfter() {
        EdpException ex = PlatformProblem.VALIDATION_FAILED.exception("bad").with("errors", List.of("a")).retryAfter(7);
        assertThat(ex.getBody().getProperties()).containsEntry("errors", List.of("a"))
            .containsEntry("code", "VALIDATION_FAILED");
        assertThat(ex.getHeaders().getFirst("Retry-After")).isEqualTo("7");
        assertThat(ex.getStatusCode().value()).isEqualTo(400);
    }

}
