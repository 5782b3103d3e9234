package dev.edp.platform.device;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The caller's network address, for throttles and logs: the client address E3 saw
 * ({@code cip} of E3's request proof, {@value DeviceProof#HEADER}, verified for this very
 * request, with the device credential if there is one) when the request came through E3,
 * else the socket's peer address.
 * <p>
 * Nothing else a caller sends counts: {@code X-Forwarded-For}, {@code Forwarded} and a
 * proof that does not verify (forged, too old, for another request) are ignored, so a
 * direct caller gets its own socket address, and a caller behind E3 cannot pose as
 * another address. Behind E3 without this, every device would share E3's address.
 */
public final class CallerAddress {

    /**
     * Request attribute holding the address once known (set by the device filter or the
     * first call).
     */
    static final String ATTRIBUTE = CallerAddress.class.getName();

    private final DeviceAssertionVerifier verifier;

    /**
     * @param verifier checks E3's proof and credential
     */
    public CallerAddress(DeviceAssertionVerifier verifier) {
        this.verifier = verifier;
    }

    /**
     * @param request the current request
     * @return the caller's IP address (canonical text form)
     */
    public String of(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof String known) {
            return known;
        }
        String address = request.getRemoteAddr();
        String proof = request.getHeader(DeviceProof.HEADER);
        if (proof != null && !proof.isBlank()) {
            try {
                address = verifier.verifiedClientAddress(request.getHeader(DeviceProof.CREDENTIAL_HEADER), proof,
                        request.getMethod(), DeviceAssertionFilter.path(request), request.getQueryString());
            }
            catch (DeviceAssertionException ex) {
                // Not from E3 (or not for this request): the socket address is all that
                // is known.
            }
        }
        request.setAttribute(ATTRIBUTE, address);
        return address;
    }

}
