package dev.edp.platform.web;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.edp.platform.problem.EdpException;

/**
 * Free {@code key: value} labels of a resource and the {@code label=key:value} list
 * filter.
 */
public final class Labels {

    /**
     * Allowed label keys (Kubernetes-like): 1 to 63 letters, digits or {@code . _ / -},
     * starting and ending with a letter or digit.
     */
    public static final String KEY = "[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?";

    /**
     * Label values never hold control characters (see the device requests), NUL least:
     * jsonb cannot.
     */
    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile("\\p{Cntrl}");

    private Labels() {
    }

    /**
     * @param labels {@code label} query parameters, each {@code key:value}, or null
     * @return the labels every match must carry, sorted by key (empty: no filter)
     * @throws EdpException 400 {@code INVALID_LABEL_FILTER}, also for a value with a
     * control character, which no label has (and a NUL would fail the SQL)
     */
    public static Map<String, String> filter(List<String> labels) {
        if (labels == null || labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> filter = new TreeMap<>();
        for (String label : labels) {
            int colon = label.indexOf(':');
            if (colon < 1 || !label.substring(0, colon).matches(KEY) || CONTROL.matcher(label).find()) {
                throw WebProblem.INVALID_LABEL_FILTER.exception("label must be key:value, for example label=line:3.");
            }
            filter.put(label.substring(0, colon), label.substring(colon + 1));
        }
        return filter;
    }

}
