package dev.edp.devicemanagement.device;

import java.util.UUID;

import dev.edp.platform.client.ServiceCalls;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * {@link CertificateRevocations} through onboarding's {@code POST
 * /api/onboarding/v1/devices/{deviceId}/revoke}, relaying the caller's token (like the
 * starter's customer-status lookup), on a load-balanced client
 * ({@code http://onboarding}).
 * <ul>
 * <li>2xx: revoked (or nothing was valid any more);</li>
 * <li>404: onboarding knows no certificate or token of the device: nothing to
 * revoke;</li>
 * <li>anything else, or no answer: {@link RevocationUnavailableException}.</li>
 * </ul>
 */
class OnboardingCertificateRevocations implements CertificateRevocations {

    private static final Logger log = LoggerFactory.getLogger(OnboardingCertificateRevocations.class);

    private final RestClient http;

    /**
     * @param builder a load-balanced builder in production; a plain one in tests
     * @param baseUrl {@code http://onboarding}, or a stub's URL
     */
    OnboardingCertificateRevocations(RestClient.Builder builder, String baseUrl) {
        this.http = ServiceCalls.withTimeouts(builder, baseUrl);
    }

    @Override
    public void revokeDevice(UUID deviceId, String bearerToken) {
        int status;
        try {
            status = http.post()
                .uri("/api/onboarding/v1/devices/{id}/revoke", deviceId)
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.APPLICATION_JSON, MediaType.APPLICATION_PROBLEM_JSON)
                .headers(headers -> headers.setBearerAuth(bearerToken))
                .body("{}")
                .exchange((request, response) -> response.getStatusCode().value());
        }
        catch (RestClientException ex) {
            Throwable cause = ex.getMostSpecificCause();
            throw new RevocationUnavailableException("onboarding cannot be reached: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), ex);
        }
        catch (IllegalStateException ex) {
            // The load balancer found no onboarding instance in the registry.
            throw new RevocationUnavailableException("onboarding cannot be reached: " + ex.getMessage(), ex);
        }
        if (status == 404) {
            log.info("Onboarding has nothing to revoke for device {}", deviceId);
            return;
        }
        if (status < 200 || status > 299) {
            throw new RevocationUnavailableException(
                    "onboarding answered " + status + " to the revocation of device " + deviceId, null);
        }
    }

}
