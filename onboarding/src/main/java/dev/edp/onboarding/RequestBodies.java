package dev.edp.onboarding;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.PlatformProblem;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Device request bodies (enrollment, EST, renewal), read with a size limit before
 * anything parses them.
 */
public final class RequestBodies {

    /**
     * The 400 codes of a JSON body holding a CSR (enrollment, renewal), for the API
     * documentation.
     */
    public static final String JSON_CSR_REFUSALS = "MALFORMED_REQUEST_BODY, VALIDATION_FAILED, CSR_MALFORMED, "
            + "CSR_SIGNATURE_INVALID, CSR_KEY_NOT_ALLOWED, CSR_SIGNATURE_ALGORITHM_NOT_ALLOWED, CSR_TOO_LARGE";

    private RequestBodies() {
    }

    /**
     * @param body the request body
     * @param limit the most bytes accepted
     * @return the bytes
     * @throws EdpException 413 {@code REQUEST_TOO_LARGE} (the platform's code for it, as
     * the starter's and E3's limits answer) above the limit, 400 when unreadable
     */
    public static byte[] readLimited(InputStream body, int limit) {
        try {
            byte[] bytes = body.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw PlatformProblem.REQUEST_TOO_LARGE
                    .exception("The request body must be at most " + limit + " bytes.");
            }
            return bytes;
        }
        catch (IOException ex) {
            throw PlatformProblem.MALFORMED_REQUEST_BODY.exception("The request body could not be read.");
        }
    }

    /**
     * A JSON body, read up to the limit.
     * @param json the mapper
     * @param body the request body
     * @param limit the most bytes accepted
     * @param type what the body holds
     * @param expected what the body must look like, for the 400's detail ({@code {"csr":
     * "<PEM>"}})
     * @return the body read, null for a JSON {@code null}
     * @throws EdpException 400 {@code MALFORMED_REQUEST_BODY} when it is not JSON of that
     * type, 413 as {@link #readLimited}
     */
    public static <T> T readJson(JsonMapper json, InputStream body, int limit, Class<T> type, String expected) {
        try {
            return json.readValue(readLimited(body, limit), type);
        }
        catch (JacksonException ex) {
            throw PlatformProblem.MALFORMED_REQUEST_BODY.exception("The body must be JSON: " + expected + ".");
        }
    }

    /**
     * The body of an EST (RFC 7030) {@code simpleenroll}/{@code simplereenroll}: base64
     * of a DER PKCS#10 request, with or without line breaks (CRLF or LF); what is not
     * base64 is refused.
     * @param body the body as read
     * @return the DER bytes (the CSR checks come next)
     * @throws EdpException 400 {@code CSR_MALFORMED} when the body is not base64
     */
    public static byte[] base64Csr(byte[] body) {
        try {
            return Base64.getMimeDecoder().decode(body);
        }
        catch (IllegalArgumentException ex) {
            throw OnboardingProblem.CSR_MALFORMED.exception("The body must be a base64-encoded PKCS#10 request.");
        }
    }

}
