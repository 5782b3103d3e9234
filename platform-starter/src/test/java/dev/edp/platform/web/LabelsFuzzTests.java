package dev.edp.platform.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edp.platform.problem.EdpException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes the device list's {@code label=key:value} filters ({@link Labels#filter}). The
 * contract: a 400 {@code INVALID_LABEL_FILTER}, or a filter whose keys are valid label
 * keys and whose values PostgreSQL can take (they become a {@code jsonb} document, which
 * cannot hold NUL); anything else is a finding.
 */
class LabelsFuzzTests {

    @FuzzTest(maxDuration = "30s")
    void labelFiltersAreRefusedOrSane(FuzzedDataProvider data) {
        List<String> labels = new ArrayList<>();
        int count = data.consumeInt(0, 8);
        for (int i = 0; i < count; i++) {
            labels.add(data.consumeString(300));
        }
        try {
            Map<String, String> filter = Labels.filter(labels);
            assertThat(filter.size()).isLessThanOrEqualTo(labels.size());
            filter.forEach((key, value) -> {
                assertThat(key).matches(Labels.KEY);
                assertThat(labels).contains(key + ":" + value);
                assertThat(value).doesNotContain("\0");
            });
        }
        catch (EdpException ex) {
            assertThat(ex.getStatusCode().value()).isEqualTo(400);
            assertThat(ex.getCode()).isEqualTo("INVALID_LABEL_FILTER");
        }
    }

}
