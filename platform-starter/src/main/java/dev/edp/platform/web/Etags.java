package dev.edp.platform.web;

import dev.edp.platform.problem.EdpException;

/**
 * Optimistic concurrency over HTTP: a resource's version is its ETag, and an update must
 * send the version it read as {@code If-Match}.
 */
public final class Etags {

    private Etags() {
    }

    /**
     * @param version the resource's version
     * @return the strong ETag for it
     */
    public static String of(long version) {
        return "\"" + version + "\"";
    }

    /**
     * @param ifMatch the {@code If-Match} header, or null
     * @return the version it names
     * @throws EdpException 428 when it is missing, 412 when it names no version
     */
    public static long requiredVersion(String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank()) {
            throw WebProblem.IF_MATCH_REQUIRED
                .exception("Send the ETag you read as If-Match, so that concurrent changes are not lost.");
        }
        String value = ifMatch.trim();
        if (value.startsWith("W/")) {
            value = value.substring(2);
        }
        try {
            return Long.parseLong(value.replace("\"", ""));
        }
        catch (NumberFormatException ex) {
            throw stale();
        }
    }

    /**
     * For updates where {@code If-Match} is optional: checked when sent.
     * @param ifMatch the {@code If-Match} header, or null or blank
     * @return the version it names, or null when none was sent
     * @throws EdpException 412 when it names no version
     */
    public static Long optionalVersion(String ifMatch) {
        return ifMatch == null || ifMatch.isBlank() ? null : requiredVersion(ifMatch);
    }

    /**
     * @param actual the resource's version now
     * @param expected the version the caller read, or null when it named none
     * @throws EdpException 412 {@code STALE_VERSION} when they differ
     */
    public static void requireVersion(long actual, Long expected) {
        if (expected != null && actual != expected) {
            throw stale();
        }
    }

    /**
     * @return the problem for an update based on an outdated version
     */
    public static EdpException stale() {
        return WebProblem.STALE_VERSION
            .exception("The resource was changed since you read it. Read it again and retry.");
    }

}
