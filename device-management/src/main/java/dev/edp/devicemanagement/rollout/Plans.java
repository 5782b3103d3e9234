package dev.edp.devicemanagement.rollout;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;

import dev.edp.platform.problem.FieldErrors;

/**
 * Checks a {@link RolloutPlan} and fills in its defaults. Every bad value is a field of
 * one 400 {@code VALIDATION_FAILED}, before anything is written.
 */
final class Plans {

    static final int MAX_GROUPS = 10;

    static final int DEFAULT_SUCCESS = 95;

    static final int DEFAULT_ERROR = 5;

    static final String DEFAULT_TIMEOUT = "PT30M";

    static final Duration MIN_TIMEOUT = Duration.ofMinutes(1);

    static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile("([0-9]{1,7})(%?)");

    private Plans() {
    }

    /** How a rollout advances after a group succeeded. */
    enum Advance {

        /** The next group starts at once. */
        AUTO,
        /** The rollout waits for an operator's {@code continue}. */
        MANUAL

    }

    /**
     * A checked plan, defaults filled in.
     *
     * @param labels the selector's labels (empty for none)
     * @param machineId the selector's machine, or null
     * @param groups the groups
     * @param successThreshold the rollout's default
     * @param errorThreshold the rollout's default
     * @param groupTimeout the rollout's default, as given
     * @param advance AUTO or MANUAL
     */
    record Valid(Map<String, String> labels, UUID machineId, List<GroupPlan> groups, int successThreshold,
            int errorThreshold, String groupTimeout, Advance advance) {

        /**
         * @return the selector as the API shows it
         */
        Map<String, Object> selector() {
            Map<String, Object> selector = new LinkedHashMap<>();
            selector.put("labels", labels);
            selector.put("machineId", machineId);
            return selector;
        }

        /**
         * @param total the number of target devices
         * @return each group's number of devices, in order: a percentage of the total
         * rounded up or a count, never more than remain; the last group takes the rest
         */
        int[] sizes(int total) {
            int[] sizes = new int[groups.size()];
            int remaining = total;
            for (int i = 0; i < sizes.length; i++) {
                GroupPlan group = groups.get(i);
                int wanted = i == sizes.length - 1 ? remaining
                        : group.percent() ? (int) ((total * (long) group.value() + 99) / 100) : group.value();
                sizes[i] = Math.min(wanted, remaining);
                remaining -= sizes[i];
            }
            return sizes;
        }

    }

    /**
     * One checked group.
     *
     * @param size as given ({@code "10%"} or {@code "5"})
     * @param percent whether it is a percentage
     * @param value the percentage or count
     * @param successThreshold its own or the rollout's
     * @param errorThreshold its own or the rollout's
     * @param timeout its own or the rollout's, as given
     * @param timeoutSeconds the timeout in seconds
     */
    record GroupPlan(String size, boolean percent, int value, int successThreshold, int errorThreshold, String timeout,
            long timeoutSeconds) {
    }

    /**
     * @param plan the plan as the caller wrote it
     * @param defaultGroups groups when the plan has none (a rollback: one of 100 %), or
     * null when groups are required
     * @return the checked plan
     * @throws dev.edp.platform.problem.EdpException 400 {@code VALIDATION_FAILED} with
     * the fields in {@code errors}
     */
    static Valid validate(RolloutPlan plan, List<RolloutPlan.Group> defaultGroups) {
        Map<String, String> errors = new LinkedHashMap<>();
        int success = percent(plan.successThreshold(), DEFAULT_SUCCESS, 1, "successThreshold", errors);
        int error = percent(plan.errorThreshold(), DEFAULT_ERROR, 0, "errorThreshold", errors);
        String timeout = plan.groupTimeout() == null ? DEFAULT_TIMEOUT : plan.groupTimeout();
        long timeoutSeconds = timeout(timeout, "groupTimeout", errors);
        Advance advance = Advance.AUTO;
        if (plan.advance() != null) {
            try {
                advance = Advance.valueOf(plan.advance());
            }
            catch (IllegalArgumentException ex) {
                errors.put("advance", "must be AUTO or MANUAL");
            }
        }
        List<RolloutPlan.Group> given = plan.groups() == null || plan.groups().isEmpty() ? defaultGroups
                : plan.groups();
        List<GroupPlan> groups = new ArrayList<>();
        if (given == null || given.isEmpty()) {
            errors.put("groups", "must have 1 to " + MAX_GROUPS + " groups");
        }
        else if (given.size() > MAX_GROUPS) {
            errors.put("groups", "must have 1 to " + MAX_GROUPS + " groups");
        }
        else {
            for (int i = 0; i < given.size(); i++) {
                String field = "groups[" + i + "]";
                RolloutPlan.Group group = given.get(i);
                if (group == null) {
                    errors.put(field, "must not be null");
                    continue;
                }
                Matcher size = group.size() == null ? null : SIZE.matcher(group.size());
                boolean percent = false;
                int value = 0;
                if (size == null || !size.matches()) {
                    errors.put(field + ".size", "must be \"N%\" (1-100) or a count \"N\" (1 or more)");
                }
                else {
                    percent = !size.group(2).isEmpty();
                    value = Integer.parseInt(size.group(1));
                    if (value < 1 || (percent && value > 100)) {
                        errors.put(field + ".size", "must be \"N%\" (1-100) or a count \"N\" (1 or more)");
                    }
                }
                int groupSuccess = percent(group.successThreshold(), success, 1, field + ".successThreshold", errors);
                int groupError = percent(group.errorThreshold(), error, 0, field + ".errorThreshold", errors);
                String groupTimeout = group.timeout() == null ? timeout : group.timeout();
                long groupTimeoutSeconds = group.timeout() == null ? timeoutSeconds
                        : timeout(group.timeout(), field + ".timeout", errors);
                groups.add(new GroupPlan(group.size(), percent, value, groupSuccess, groupError, groupTimeout,
                        groupTimeoutSeconds));
            }
        }
        Map<String, String> labels = new TreeMap<>();
        UUID machineId = null;
        if (plan.selector() != null) {
            if (plan.selector().labels() != null) {
                labels.putAll(plan.selector().labels());
            }
            machineId = plan.selector().machineId();
        }
        if (!errors.isEmpty()) {
            throw FieldErrors.invalid(errors);
        }
        return new Valid(labels, machineId, List.copyOf(groups), success, error, timeout, advance);
    }

    private static int percent(Integer value, int fallback, int min, String field, Map<String, String> errors) {
        if (value == null) {
            return fallback;
        }
        if (value < min || value > 100) {
            errors.put(field, "must be a percentage from " + min + " to 100");
            return fallback;
        }
        return value;
    }

    private static long timeout(String value, String field, Map<String, String> errors) {
        try {
            Duration duration = Duration.parse(value);
            if (duration.compareTo(MIN_TIMEOUT) >= 0 && duration.compareTo(MAX_TIMEOUT) <= 0) {
                return duration.toSeconds();
            }
        }
        catch (DateTimeParseException ex) {
            // reported below
        }
        errors.put(field, "must be an ISO-8601 duration from PT1M to P7D");
        return MIN_TIMEOUT.toSeconds();
    }

}
