package dev.edp.onboarding;

import java.time.Duration;
import java.time.Instant;

import dev.edp.onboarding.pki.CertificateAuthority;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Business metrics: {@code edp_enrollments_total{outcome}},
 * {@code edp_certificates_issued_total}, {@code edp_certificates_revoked_total}, and the
 * seconds until the issuing CA ({@code edp_ca_issuing_expiry_seconds}) and the published
 * CRL ({@code edp_crl_expiry_seconds}) expire.
 */
@Component
public class OnboardingMetrics {

    private final MeterRegistry registry;

    private final Counter issued;

    private final Counter revoked;

    OnboardingMetrics(MeterRegistry registry, CertificateAuthority ca, JdbcClient jdbc) {
        this.registry = registry;
        this.issued = Counter.builder("edp.certificates.issued")
            .description("Device certificates issued")
            .register(registry);
        this.revoked = Counter.builder("edp.certificates.revoked")
            .description("Device certificates revoked")
            .register(registry);
        Gauge
            .builder("edp.ca.issuing.expiry.seconds", ca,
                    authority -> Duration.between(Instant.now(), authority.chain().getFirst().getNotAfter().toInstant())
                        .toSeconds())
            .description("Seconds until the issuing CA certificate expires")
            .register(registry);
        Gauge.builder("edp.crl.expiry.seconds", jdbc, client -> {
            try {
                return client.sql("SELECT next_update FROM crl WHERE id = 1")
                    .query(java.time.OffsetDateTime.class)
                    .optional()
                    .map(next -> (double) Duration.between(Instant.now(), next.toInstant()).toSeconds())
                    .orElse(0.0);
            }
            catch (RuntimeException ex) {
                return Double.NaN;
            }
        }).description("Seconds until the published CRL's nextUpdate").register(registry);
    }

    /**
     * Counts one enrollment or renewal attempt by outcome: ISSUED, REPLAYED, RENEWED, or
     * the refusal code (renewal refusals prefixed {@code RENEWAL_}).
     */
    public void enrollment(String outcome) {
        Counter.builder("edp.enrollments")
            .description("Enrollment attempts by outcome")
            .tag("outcome", outcome)
            .register(registry)
            .increment();
    }

    public void issued() {
        issued.increment();
    }

    public void revoked(int count) {
        revoked.increment(count);
    }

}
