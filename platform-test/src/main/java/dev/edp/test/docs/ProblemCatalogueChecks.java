package dev.edp.test.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Holds a service's catalogue of problems (an enum of codes with status and title), its
 * README and its code to each other. Run from the module's directory, as Surefire does.
 */
public final class ProblemCatalogueChecks {

    private ProblemCatalogueChecks() {
    }

    /**
     * Asserts that the table under the README's heading "Problems" lists exactly the
     * catalogue: its first three columns are code, status and title.
     * @param catalogue per problem: code, HTTP status, title
     */
    public static void assertReadmeLists(List<List<String>> catalogue) {
        List<List<String>> documented = MarkdownTable.read(Path.of("README.md"), "Problems")
            .stream()
            .map(row -> row.subList(0, 3))
            .toList();
        assertThat(documented).containsExactlyInAnyOrderElementsOf(catalogue);
    }

    /**
     * Asserts that no main source builds a problem itself ({@code new EdpException(…)},
     * or a body with {@code Problems.of(…)}) instead of taking it from a catalogue.
     */
    public static void assertRaisedOnlyThroughTheCatalogue() {
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            List<Path> inline = sources.filter(path -> path.toString().endsWith(".java"))
                .filter(path -> read(path).contains("new EdpException(") || read(path).contains("Problems.of("))
                .toList();
            assertThat(inline).as("problems raised without the catalogue").isEmpty();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

}
