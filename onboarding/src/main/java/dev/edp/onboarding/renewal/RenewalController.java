package dev.edp.onboarding.renewal;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import dev.edp.onboarding.OnboardingMetrics;
import dev.edp.onboarding.customer.CustomerGate;
import dev.edp.onboarding.pki.CsrRejectedException;
import dev.edp.onboarding.pki.Pem;
import dev.edp.onboarding.pki.Pkcs7;
import dev.edp.onboarding.token.FailureThrottle;
import dev.edp.onboarding.RequestBodies;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.problem.EdpException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Renewal for devices, reached through E3 with the device's client certificate (both paths are in
 * {@code edp.device.paths}, so the starter has verified E3's device assertion before this runs):
 * {@code POST /onboarding/api/v1/renewals} with {@code {"csr": "<PEM>"}}, and EST (RFC 7030)
 * {@code POST /.well-known/est/simplereenroll} with a base64 PKCS#10 body.
 *
 * <p>Failed renewals (4xx) are throttled per device id ({@link FailureThrottle},
 * {@code edp.onboarding.renewal.max-failures} within {@code edp.onboarding.renewal.failure-window}):
 * past that the device is answered 429 {@code TOO_MANY_FAILED_RENEWALS} with {@code Retry-After}
 * before its request is read, so a broken or malicious device cannot keep the CA busy. A device of a
 * deactivated customer is refused with 403 {@code CUSTOMER_DEACTIVATED} ({@link CustomerGate}), and
 * successful renewals are capped per device ({@link RenewalService}).
 */
@RestController
class RenewalController {

    static final int MAX_BODY = 32 * 1024;
    static final String RENEWED = "RENEWED";

    record RenewalRequest(String csr) {
    }

    record RenewalResponse(UUID deviceId, UUID customerId, String serial, Instant notAfter, String previousSerial,
            String certificate, String chain) {
    }

    private final RenewalService renewals;
    private final JsonMapper json;
    private final OnboardingMetrics metrics;
    private final FailureThrottle throttle;
    private final CustomerGate customers;

    RenewalController(RenewalService renewals, JsonMapper json, OnboardingMetrics metrics, CustomerGate customers,
            Clock clock, @Value("${edp.onboarding.renewal.max-failures:5}") int maxFailures,
            @Value("${edp.onboarding.renewal.failure-window:PT10M}") Duration window) {
        this.renewals = renewals;
        this.json = json;
        this.metrics = metrics;
        this.customers = customers;
        this.throttle = new FailureThrottle(maxFailures, window, clock, "TOO_MANY_FAILED_RENEWALS", "renewals",
                "this device");
    }

    @PostMapping(path = "/onboarding/api/v1/renewals", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<RenewalResponse> renew(DevicePrincipal device, InputStream body) {
        RenewalService.Renewal renewal = counted(device, () -> {
            RenewalRequest parsed;
            try {
                parsed = json.readValue(RequestBodies.readLimited(body, MAX_BODY), RenewalRequest.class);
            }
            catch (JacksonException ex) {
                throw new EdpException(HttpStatus.BAD_REQUEST, "MALFORMED_REQUEST_BODY", "Malformed request body",
                        "The body must be JSON: {\"csr\": \"<PEM>\"}.");
            }
            if (parsed == null || parsed.csr() == null || parsed.csr().isBlank()) {
                throw new EdpException(HttpStatus.BAD_REQUEST, "VALIDATION_FAILED", "Invalid request", "csr is required.");
            }
            return renewals.renew(device, RenewalService.Csr.text(parsed.csr()));
        });
        var issued = renewal.issued();
        return ResponseEntity.status(HttpStatus.CREATED).cacheControl(CacheControl.noStore())
                .body(new RenewalResponse(device.deviceId(), device.customerId(), issued.serialHex(), issued.notAfter(),
                        renewal.previousSerial(), Pem.certificate(issued.certificate()), Pem.certificates(issued.chain())));
    }

    @PostMapping(path = "/.well-known/est/simplereenroll", consumes = "application/pkcs10")
    ResponseEntity<String> simplereenroll(DevicePrincipal device, InputStream body) {
        RenewalService.Renewal renewal = counted(device, () -> {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(RequestBodies.readLimited(body, MAX_BODY));
            }
            catch (IllegalArgumentException ex) {
                throw new EdpException(HttpStatus.BAD_REQUEST, "CSR_MALFORMED", "Certificate request refused",
                        "The body must be a base64-encoded PKCS#10 request.");
            }
            return renewals.renew(device, RenewalService.Csr.der(der));
        });
        List<X509Certificate> certificate = List.of(renewal.issued().certificate());
        String encoded = Base64.getMimeEncoder(64, "\r\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(Pkcs7.certsOnly(certificate)) + "\r\n";
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("application/pkcs7-mime; smime-type=certs-only"))
                .cacheControl(CacheControl.noStore()).header("Content-Transfer-Encoding", "base64").body(encoded);
    }

    /**
     * Runs a renewal behind the device's failure throttle and counts the outcome in
     * {@code edp_enrollments_total}: {@value #RENEWED} or the refusal code.
     */
    private RenewalService.Renewal counted(DevicePrincipal device, Supplier<RenewalService.Renewal> action) {
        String key = device.deviceId().toString();
        try {
            throttle.check(key);
        }
        catch (EdpException ex) {
            metrics.enrollment("RENEWAL_" + ex.getCode());
            throw ex;
        }
        try {
            // Before the body is read: a deactivated customer's device gets nothing, whatever it sends.
            customers.requireActive(device.customerId());
            RenewalService.Renewal renewal = action.get();
            metrics.enrollment(RENEWED);
            return renewal;
        }
        catch (EdpException ex) {
            if (ex.getStatusCode().is4xxClientError()) {
                throttle.failed(key);
            }
            metrics.enrollment("RENEWAL_" + ex.getCode());
            throw ex;
        }
        catch (CsrRejectedException ex) {
            throttle.failed(key);
            metrics.enrollment("RENEWAL_" + ex.code());
            throw ex;
        }
    }
}
