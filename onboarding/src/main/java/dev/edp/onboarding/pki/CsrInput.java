package dev.edp.onboarding.pki;

/**
 * A CSR as received, not yet checked: PEM/base64 text (JSON bodies) or DER bytes (EST),
 * for enrollment and renewal alike.
 */
public interface CsrInput {

    /**
     * @param validator the checks
     * @return the request, checked
     * @throws CsrRejectedException when it fails a check
     */
    ValidatedCsr validate(CsrValidator validator);

    static CsrInput text(String text) {
        return validator -> validator.validate(text == null ? "" : text);
    }

    static CsrInput der(byte[] der) {
        return validator -> validator.validateDer(der);
    }

}
