package dev.edp.devicemanagement.device;

import java.util.UUID;

import dev.edp.test.http.StubBackend;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The revocation client against a real HTTP stub of onboarding, and against nothing at
 * all.
 */
class OnboardingCertificateRevocationsTests {

    @Test
    void revocationRelaysTheCallersTokenAndAcceptsOkAndNotFound() {
        UUID revoked = UUID.randomUUID();
        UUID unknown = UUID.randomUUID();
        try (StubBackend onboarding = StubBackend.start()) {
            onboarding.script("/api/onboarding/v1/devices/" + unknown + "/revoke",
                    new StubBackend.Answer(404, "application/problem+json", "{\"status\":404}", 0));
            CertificateRevocations client = new OnboardingCertificateRevocations(RestClient.builder(),
                    onboarding.url());
            assertThatCode(() -> client.revokeDevice(revoked, "user-token")).doesNotThrowAnyException();
            assertThatCode(() -> client.revokeDevice(unknown, "user-token")).doesNotThrowAnyException();
            StubBackend.Received call = onboarding.received().getFirst();
            assertThat(call.method()).isEqualTo("POST");
            assertThat(call.pathAndQuery()).isEqualTo("/api/onboarding/v1/devices/" + revoked + "/revoke");
            assertThat(call.header("Authorization")).isEqualTo("Bearer user-token");
        }
    }

    @Test
    void anErrorAnswerOrNoAnswerMeansRevocationIsUnavailable() {
        UUID device = UUID.randomUUID();
        try (StubBackend onboarding = StubBackend.start()) {
            onboarding.script("/api/onboarding/v1/devices/" + device + "/revoke",
                    new StubBackend.Answer(500, "application/problem+json", "{\"status\":500}", 0));
            CertificateRevocations client = new OnboardingCertificateRevocations(RestClient.builder(),
                    onboarding.url());
            assertThatThrownBy(() -> client.revokeDevice(device, "t"))
                .isInstanceOf(CertificateRevocations.RevocationUnavailableException.class)
                .hasMessageContaining("500");
        }
        CertificateRevocations down = new OnboardingCertificateRevocations(RestClient.builder(),
                "http://127.0.0.1:" + StubBackend.closedPort());
        assertThatThrownBy(() -> down.revokeDevice(device, "t"))
            .isInstanceOf(CertificateRevocations.RevocationUnavailableException.class)
            .hasMessageContaining("cannot be reached");
    }

}
