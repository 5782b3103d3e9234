package dev.edp.devicemanagement.support;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.edp.platform.problem.EdpException;

import org.springframework.http.HttpStatus;

/** Free {@code key: value} labels and the {@code label=key:value} list filter. */
public final class Labels {

    /** Allowed label keys (Kubernetes-like). */
    public static final String KEY = "[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?";

    /** Label values never hold control characters (see the device requests), NUL least: jsonb cannot. */
    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("\\p{Cntrl}");

    private Labels() {
    }

    /**
     * @param labels {@code label} query parameters, each {@code key:value}
     * @return the labels all matches must carry
     * @throws EdpException 400 {@code INVALID_LABEL_FILTER}, also for a value with a control
     *         character, which no label has (and a NUL would fail the SQL)
     */
    public static Map<String, String> filter(List<String> labels) {
        if (labels == null || labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> filter = new TreeMap<>();
        for (String label : labels) {
            int colon = label.indexOf(':');
            if (colon < 1 || !label.substring(0, colon).matches(KEY) || CONTROL.matcher(label).find()) {
                throw new EdpException(HttpStatus.BAD_REQUEST, "INVALID_LABEL_FILTER", "Invalid label filter",
                        "label must be key:value, for example label=line:3.");
            }
            filter.put(label.substring(0, colon), label.substring(colon + 1));
        }
        return filter;
    }

    /**
     * @param text a {@code q} search text
     * @return an {@code ILIKE} pattern that finds it anywhere, wildcards escaped
     */
    public static String containsPattern(String text) {
        return "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    }
}
