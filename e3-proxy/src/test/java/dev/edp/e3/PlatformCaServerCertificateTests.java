package dev.edp.e3;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.edp.e3.tls.PlatformCaServerCertificate;
import dev.edp.test.http.StubBackend;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Start-up of the platform-CA server certificate when onboarding does not come up. */
class PlatformCaServerCertificateTests {

    @Test
    void startUpFailsAfterTheStartTimeoutWhenOnboardingNeverAnswers() {
        try (PlatformCaServerCertificate certificate = new PlatformCaServerCertificate(
                "http://127.0.0.1:" + StubBackend.closedPort(), WebClient.builder().build(), null, () -> "token",
                List.of("localhost"), List.of(), null, Duration.ofMillis(200), Clock.systemUTC())) {
            Instant started = Instant.now();
            assertThatThrownBy(() -> certificate.obtainAtStart(Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("No server certificate from the platform CA");
            assertThat(Duration.between(started, Instant.now())).isLessThan(Duration.ofSeconds(5));
            assertThat(certificate.certificate()).isNull();
        }
    }

}
