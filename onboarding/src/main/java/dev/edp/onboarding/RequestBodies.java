package dev.edp.onboarding;

import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;

import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.PlatformProblem;

/**
 * Device request bodies (enrollment, EST, renewal), read with a size limit before
 * anything parses them.
 */
public final class RequestBodies {

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
