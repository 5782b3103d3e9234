package dev.edp.masterdata.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import dev.edp.test.docs.MarkdownTable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The problem catalogue, its README table and the code that raises problems agree. */
class MasterdataProblemCatalogueTests {

    @Test
    void theReadmeListsEveryProblemWithItsStatusAndTitleAndNoOther() {
        List<List<String>> documented = MarkdownTable.read(Path.of("README.md"), "Problems").stream()
                .map(row -> row.subList(0, 3)).toList();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(Arrays.stream(MasterdataProblem.values())
                .map(problem -> List.of(problem.code(), String.valueOf(problem.status().value()), problem.title()))
                .toList());
    }

    @Test
    void problemsAreRaisedThroughTheCatalogueNeverWithInlineCodesAndTitles() throws IOException {
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            List<Path> inline = sources.filter(path -> path.toString().endsWith(".java"))
                    .filter(path -> read(path).contains("new EdpException(")).toList();
            assertThat(inline).isEmpty();
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
