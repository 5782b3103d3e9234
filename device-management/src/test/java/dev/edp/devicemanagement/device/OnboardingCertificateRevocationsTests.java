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

    static CertificateRevocations client(String onboardingUrl) {
        return new OnboardingCertificateRevocations(RestClient.builder(), onboardingUrl);
    }

    static String revokePath(UUID device) {
        return "/api/onboarding/v1/devices/" + device + "/revoke";
    }

    static StubBackend.Answer problem(int status) {
        return new StubBackend.Answer(status, "application/problem+json", "{\"status\":" + status + "}", 0);
    }

    @Test
    void revocationRelaysTheCallersTokenAndAcceptsOkAndNotFound() {
        UUID revoked = UUID.randomUUID();
        UUID unknown = UUID.randomUUID();
        try (StubBackend onboarding = StubBackend.start()) {
            onboarding.script(revokePath(unknown), problem(404));
            CertificateRevocations client = client(onboarding.url());
            assertThatCode(() -> client.revokeDevice(revoked, "user-token")).doesNotThrowAnyException();
            assertThatCode(() -> client.revokeDevice(unknown, "user-token")).doesNotThrowAnyException();
            StubBackend.Received call = onboarding.received().getFirst();
            assertThat(call.method()).isEqualTo("POST");
            assertThat(call.pathAndQuery()).isEqualTo(revokePath(revoked));
            assertThat(call.header("Authorization")).isEqualTo("Bearer user-token");
        }
    }

    @Test
    void anErrorAnswerOrNoAnswerMeansRevocationIsUnavailable() {
        UUID device = UUID.randomUUID();
        try (StubBackend onboarding = StubBackend.start()) {
            onboarding.script(revokePath(device), problem(500));
            CertificateRevocations client = client(onboarding.url());
            assertThatThrownBy(() -> client.revokeDevice(device, "t"))
                .isInstanceOf(CertificateRevocations.RevocationUnavailableException.class)
                .hasMessageContaining("500");
        }
        CertificateRevocations down = client("http://127.0.0.1:" + StubBackend.closedPort());
        assertThatThrownBy(() -> down.revokeDevice(device, "t"))
            .isInstanceOf(CertificateRevocations.RevocationUnavailableException.class)
            .hasMessageContaining("cannot be reached");
    }

}
