package dev.edp.onboarding.renewal;

import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import dev.edp.onboarding.EstResponses;
import dev.edp.onboarding.OnboardingMetrics;
import dev.edp.onboarding.OnboardingProblem;
import dev.edp.onboarding.OnboardingProperties;
import dev.edp.onboarding.RequestBodies;
import dev.edp.onboarding.customer.CustomerGate;
import dev.edp.onboarding.pki.CsrInput;
import dev.edp.onboarding.pki.Pem;
import dev.edp.onboarding.token.FailureThrottle;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.problem.PlatformProblem;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Renewal for devices, reached through E3 with the device's client certificate (both
 * paths are in {@code edp.device.paths}, so the starter has verified E3's device
 * assertion before this runs): {@code POST /onboarding/api/v1/renewals} with
 * {@code {"csr": "<PEM>"}}, and EST (RFC 7030)
 * {@code POST /.well-known/est/simplereenroll} with a base64 PKCS#10 body.
 *
 * <p>
 * Failed renewals (4xx) are throttled per device id ({@link FailureThrottle},
 * {@code edp.onboarding.renewal.max-failures} within
 * {@code edp.onboarding.renewal.failure-window}): past that the device is answered 429
 * {@code TOO_MANY_FAILED_RENEWALS} with {@code Retry-After} before its request is read,
 * so a broken or malicious device cannot keep the CA busy. A device of a deactivated
 * customer is refused with 403 {@code CUSTOMER_DEACTIVATED} ({@link CustomerGate}), and
 * successful renewals are capped per device ({@link RenewalService}).
 */
@RestController
@Tag(name = "Device: renewal", description = "A device renews its certificate with its current one (through E3)")
class RenewalController {

    static final int MAX_BODY = 32 * 1024;
    static final String RENEWED = "RENEWED";

    /**
     * @param csr the device's PKCS#10 request, PEM
     */
    record RenewalRequest(@Schema(requiredMode = Schema.RequiredMode.REQUIRED,
            description = "PKCS#10 request, PEM " + "(at most 16 KiB); the old key or a new one") String csr) {
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
            Clock clock, OnboardingProperties properties) {
        this.renewals = renewals;
        this.json = json;
        this.metrics = metrics;
        this.customers = customers;
        this.throttle = new FailureThrottle(properties.renewal().maxFailures(), properties.renewal().failureWindow(),
                clock, OnboardingProblem.TOO_MANY_FAILED_RENEWALS, "renewals", "this device");
    }

    @PostMapping(path = "/onboarding/api/v1/renewals", consumes = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            summary = "Renew: a new certificate for the same device; the presented one stays valid until it "
                    + "expires",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = RenewalRequest.class))))
    @ApiResponse(responseCode = "201", description = "Issued",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = RenewalResponse.class)))
    @RenewalRefusals
    ResponseEntity<RenewalResponse> renew(DevicePrincipal device, InputStream body) {
        RenewalService.Renewal renewal = counted(device, () -> {
            RenewalRequest parsed = RequestBodies.readJson(json, body, MAX_BODY, RenewalRequest.class,
                    "{\"csr\": \"<PEM>\"}");
            if (parsed == null || parsed.csr() == null || parsed.csr().isBlank()) {
                throw PlatformProblem.VALIDATION_FAILED.exception("csr is required.");
            }
            return renewals.renew(device, CsrInput.text(parsed.csr()));
        });
        var issued = renewal.issued();
        return ResponseEntity.status(HttpStatus.CREATED)
            .cacheControl(CacheControl.noStore())
            .body(new RenewalResponse(device.deviceId(), device.customerId(), issued.serialHex(), issued.notAfter(),
                    renewal.previousSerial(), Pem.certificate(issued.certificate()), Pem.certificates(issued.chain())));
    }

    @PostMapping(path = "/.well-known/est/simplereenroll", consumes = "application/pkcs10")
    @Operation(summary = "Renew (RFC 7030 4.2.2) with the device's current certificate",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    description = "Base64 "
                            + "of the DER PKCS#10 request, line breaks (CRLF or LF) allowed, at most 32 KiB",
                    content = @Content(mediaType = "application/pkcs10",
                            schema = @Schema(type = "string", format = "base64"))))
    @ApiResponse(responseCode = "200", description = "Base64 of a certs-only PKCS#7 holding the new certificate",
            content = @Content(mediaType = EstResponses.PKCS7, schema = @Schema(type = "string", format = "base64")))
    @RenewalRefusals
    ResponseEntity<String> simplereenroll(DevicePrincipal device, InputStream body) {
        RenewalService.Renewal renewal = counted(device, () -> {
            byte[] der = RequestBodies.base64Csr(RequestBodies.readLimited(body, MAX_BODY));
            return renewals.renew(device, CsrInput.der(der));
        });
        return EstResponses.certsOnly(List.of(renewal.issued().certificate()), CacheControl.noStore());
    }

    /**
     * Runs a renewal behind the device's failure throttle and counts the outcome in
     * {@code edp_enrollments_total}: {@value #RENEWED} or the refusal code.
     */
    private RenewalService.Renewal counted(DevicePrincipal device, Supplier<RenewalService.Renewal> action) {
        RenewalService.Renewal renewal = throttle.guard(device.deviceId().toString(), () -> {
            // Before the body is read: a deactivated customer's device gets nothing,
            // whatever it sends.
            customers.requireActive(device.customerId());
            return action.get();
        }, code -> metrics.enrollment("RENEWAL_" + code));
        metrics.enrollment(RENEWED);
        return renewal;
    }

}
