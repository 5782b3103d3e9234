package dev.edp.onboarding.pki;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.edp.onboarding.RequestBodies;
import dev.edp.platform.problem.EdpException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzzes what a device sends as its certificate signing request: PEM or base64 text (JSON
 * enrollment and renewal), raw DER, and an EST body (base64 with or without CRLF line
 * breaks, decoded as the EST controllers do). The first byte picks the form. The
 * contract: a {@link CsrRejectedException} (400 with its code), an EST body that is not
 * base64 a 400 {@code CSR_MALFORMED}, or a request that passed every check and is sane;
 * anything else (NullPointerException, ClassCastException, an index out of bounds,
 * OutOfMemoryError, a stack overflow) is a finding. Seeds:
 * {@code CsrFuzzTestsInputs/csrIsRefusedOrSane/}.
 */
class CsrFuzzTests {

    private static final CsrValidator VALIDATOR = new CsrValidator();

    @FuzzTest(maxDuration = "30s")
    void csrIsRefusedOrSane(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] rest = Arrays.copyOfRange(input, 1, input.length);
        try {
            ValidatedCsr csr;
            byte[] der = null;
            switch (input[0] & 3) {
                case 0 -> csr = VALIDATOR.validate(new String(rest, StandardCharsets.UTF_8));
                case 1 -> {
                    der = rest;
                    csr = VALIDATOR.validateDer(rest);
                }
                default -> {
                    der = RequestBodies.base64Csr(rest);
                    csr = VALIDATOR.validateDer(der);
                }
            }
            assertSane(csr, der);
        }
        catch (CsrRejectedException ex) {
            assertThat(ex.getMessage()).isNotBlank().doesNotContain("Exception");
        }
        catch (EdpException ex) {
            assertThat(ex.getStatusCode().value()).isEqualTo(400);
            assertThat(ex.getCode()).isEqualTo("CSR_MALFORMED");
        }
    }

    private static void assertSane(ValidatedCsr csr, byte[] der) {
        assertThat(csr.publicKey()).isNotNull();
        switch (csr.keyType()) {
            case EC_P256 -> assertThat(csr.keyBits()).isEqualTo(256);
            case EC_P384 -> assertThat(csr.keyBits()).isEqualTo(384);
            case ED25519 -> assertThat(csr.keyBits()).isEqualTo(255);
            case RSA -> assertThat(csr.keyBits()).isBetween(CsrValidator.RSA_MIN_BITS, CsrValidator.RSA_MAX_BITS);
        }
        assertThat(csr.publicKeyFingerprint()).hasSize(64);
        assertThat(csr.der().length).isPositive().isLessThanOrEqualTo(CsrValidator.DEFAULT_MAX_SIZE);
        if (der != null) {
            assertThat(csr.der()).isEqualTo(der);
        }
    }

}
