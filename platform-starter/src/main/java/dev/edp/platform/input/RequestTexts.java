package dev.edp.platform.input;

import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.text.UntrustedText;

/**
 * The checks both web stacks make on a request's path, query and headers, and the 413
 * they share.
 */
final class RequestTexts {

    private RequestTexts() {
    }

    /**
     * @param rawPath the request path as sent, percent-encoded, or null
     * @param rawQuery the query string as sent, or null
     * @param maxLength the longest request target accepted, in characters
     * @throws EdpException 414 {@code URI_TOO_LONG}
     */
    static void checkTargetLength(String rawPath, String rawQuery, int maxLength) {
        long length = (rawPath == null ? 0 : rawPath.length()) + (rawQuery == null ? 0 : rawQuery.length() + 1L);
        if (length > maxLength) {
            throw PlatformProblem.URI_TOO_LONG
                .exception("The request path and query are longer than " + maxLength + " characters.");
        }
    }

    /**
     * @param rawPath the request path as sent, percent-encoded
     * @throws EdpException 400 {@code INVALID_TEXT} when it decodes to something that is
     * not storable text
     */
    static void checkPath(String rawPath) {
        if (rawPath == null) {
            return;
        }
        String path;
        try {
            path = UntrustedText.percentDecode(rawPath, false);
        }
        catch (IllegalArgumentException ex) {
            throw invalid("path", "", "The request path is not valid percent-encoded UTF-8.");
        }
        if (!UntrustedText.isStorable(path)) {
            throw invalid("path", "", "The request path contains U+0000 or an unpaired surrogate.");
        }
    }

    /**
     * @param rawQuery the query string as sent, percent-encoded, or null
     * @param maxValueLength the longest value accepted, in characters
     * @throws EdpException 400 {@code INVALID_TEXT} or {@code PARAMETER_TOO_LONG}
     */
    static void checkQuery(String rawQuery, int maxValueLength) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        for (String pair : rawQuery.split("&", -1)) {
            int equals = pair.indexOf('=');
            String rawName = equals < 0 ? pair : pair.substring(0, equals);
            String rawValue = equals < 0 ? "" : pair.substring(equals + 1);
            String name = decodeQuery(rawName, null);
            checkParameterName("query", name);
            String value = decodeQuery(rawValue, name);
            checkParameter("query", name, value);
            if (value.length() > maxValueLength) {
                throw PlatformProblem.PARAMETER_TOO_LONG
                    .exception("The query parameter '" + name + "' is longer than " + maxValueLength + " characters.")
                    .with("in", "query")
                    .with("field", name);
            }
        }
    }

    private static String decodeQuery(String raw, String parameter) {
        try {
            return UntrustedText.percentDecode(raw, true);
        }
        catch (IllegalArgumentException ex) {
            String which = parameter == null ? "A query parameter name" : "The query parameter '" + parameter + "'";
            throw invalid("query", parameter == null ? "" : parameter, which + " is not valid percent-encoded UTF-8.");
        }
    }

    /**
     * @param in {@code query} or {@code form}
     * @param name a parameter's name
     * @throws EdpException 400 {@code INVALID_TEXT}, without repeating the name
     */
    static void checkParameterName(String in, String name) {
        if (!UntrustedText.isStorable(name)) {
            throw invalid(in, "",
                    "A " + in + " parameter name contains U+0000 or an unpaired surrogate, which cannot be stored.");
        }
    }

    /**
     * @param in {@code query} or {@code form}
     * @param name the parameter's name, storable
     * @param text its name or value
     * @throws EdpException 400 {@code INVALID_TEXT}
     */
    static void checkParameter(String in, String name, String text) {
        if (!UntrustedText.isStorable(text)) {
            throw invalid(in, name, "The " + in + " parameter '" + name
                    + "' contains U+0000 or an unpaired surrogate, which cannot be stored.");
        }
    }

    /**
     * @param name a header's name
     * @param value one of its values
     * @throws EdpException 400 {@code INVALID_TEXT}
     */
    static void checkHeader(String name, String value) {
        if (!UntrustedText.isStorable(name)) {
            throw invalid("header", "", "A header name contains U+0000 or an unpaired surrogate.");
        }
        if (!UntrustedText.isStorable(value)) {
            throw invalid("header", name,
                    "The header '" + name + "' contains U+0000 or an unpaired surrogate, which cannot be stored.");
        }
    }

    /**
     * The 400 problem for text that cannot be stored. Its detail names where the text was
     * but never repeats it.
     * @param in where the text was: {@code body}, {@code query}, {@code form},
     * {@code path} or {@code header}
     * @param field the body member as a JSON pointer, the parameter's or the header's
     * name; empty for the path, a whole body or a name that cannot be shown
     * @param detail what is wrong, for people
     * @return the exception to throw
     */
    static EdpException invalid(String in, String field, String detail) {
        return PlatformProblem.INVALID_TEXT.exception(detail).with("in", in).with("field", field);
    }

    /**
     * @param limit the limit in bytes
     * @return the 413 problem for a body over it
     */
    static EdpException tooLarge(long limit) {
        return PlatformProblem.REQUEST_TOO_LARGE.exception("The request body is larger than " + limit + " bytes.");
    }

}
