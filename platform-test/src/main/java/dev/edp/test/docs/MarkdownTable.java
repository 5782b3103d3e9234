package dev.edp.test.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a table of a Markdown document, so a test can hold documentation and code to each
 * other (a service's README lists its problem codes; the test compares them with the
 * catalogue enum).
 */
public final class MarkdownTable {

    private MarkdownTable() {
    }

    /**
     * @param document the Markdown file, e.g. {@code Path.of("README.md")} (tests run in
     * the module's directory)
     * @param heading the text of the heading the table follows (the first table after it
     * is read)
     * @return the table's body rows, cells trimmed and without backticks
     * @throws AssertionError when there is no such heading or no table after it
     */
    public static List<List<String>> read(Path document, String heading) {
        List<String> lines;
        try {
            lines = Files.readAllLines(document);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        int start = -1;
        for (int i = 0; i < lines.size() && start < 0; i++) {
            if (lines.get(i).startsWith("#") && lines.get(i).replaceFirst("^#+", "").strip().equals(heading)) {
                start = i;
            }
        }
        if (start < 0) {
            throw new AssertionError(document + " has no heading '" + heading + "'");
        }
        int header = start + 1;
        while (header < lines.size() && !lines.get(header).startsWith("|")) {
            header++;
        }
        if (header + 1 >= lines.size() || !lines.get(header + 1).matches("\\|[-:| ]+\\|?")) {
            throw new AssertionError(document + " has no table after '" + heading + "'");
        }
        List<List<String>> rows = new ArrayList<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i).strip();
            String inner = line.substring(1, line.endsWith("|") ? line.length() - 1 : line.length());
            rows.add(Arrays.stream(inner.split("\\|", -1)).map(cell -> cell.strip().replace("`", "")).toList());
        }
        return rows;
    }

}
