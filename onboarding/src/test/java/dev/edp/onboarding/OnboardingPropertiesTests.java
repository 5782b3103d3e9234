package dev.edp.onboarding;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OnboardingProperties}: the names and defaults the {@code @Value} expressions it
 * replaced had.
 */
class OnboardingPropertiesTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(OnboardingProperties.class)
    static class Bound {

    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(Bound.class);

    @Test
    void defaultsAreTheDocumentedOnes() {
        runner.run(context -> assertBound(context.getBean(OnboardingProperties.class),
                new OnboardingProperties.Enrollment(20, 1000, Duration.ofMinutes(1)),
                new OnboardingProperties.Renewal(5, Duration.ofMinutes(10), 10, Duration.ofHours(24)),
                Duration.ofDays(90), "http://device-management",
                new OnboardingProperties.DeviceOutbox(Duration.ofSeconds(2), Duration.ofMinutes(5), 100, 50)));
    }

    @Test
    void everySettingIsBoundByItsName() {
        runner
            .withPropertyValues("edp.onboarding.enrollment.max-failures=3",
                    "edp.onboarding.enrollment.global-max-failures=30", "edp.onboarding.enrollment.failure-window=2m",
                    "edp.onboarding.renewal.max-failures=4", "edp.onboarding.renewal.failure-window=1h",
                    "edp.onboarding.renewal.max-renewals=2", "edp.onboarding.renewal.renewal-window=PT12H",
                    "edp.onboarding.server-certificate.validity=30d",
                    "edp.onboarding.device-registry.url=https://dm.example//",
                    "edp.onboarding.device-outbox.initial-backoff=1s", "edp.onboarding.device-outbox.max-backoff=1m",
                    "edp.onboarding.device-outbox.batch-size=7", "edp.onboarding.device-outbox.max-attempts=9",
                    "edp.onboarding.device-outbox.interval=5s")
            .run(context -> assertBound(context.getBean(OnboardingProperties.class),
                    new OnboardingProperties.Enrollment(3, 30, Duration.ofMinutes(2)),
                    new OnboardingProperties.Renewal(4, Duration.ofHours(1), 2, Duration.ofHours(12)),
                    Duration.ofDays(30), "https://dm.example",
                    new OnboardingProperties.DeviceOutbox(Duration.ofSeconds(1), Duration.ofMinutes(1), 7, 9)));
    }

    private static void assertBound(OnboardingProperties properties, OnboardingProperties.Enrollment enrollment,
            OnboardingProperties.Renewal renewal, Duration serverCertificateValidity, String deviceRegistryUrl,
            OnboardingProperties.DeviceOutbox deviceOutbox) {
        assertThat(properties.enrollment()).isEqualTo(enrollment);
        assertThat(properties.renewal()).isEqualTo(renewal);
        assertThat(properties.serverCertificate().validity()).isEqualTo(serverCertificateValidity);
        assertThat(properties.deviceRegistry().url()).isEqualTo(deviceRegistryUrl);
        assertThat(properties.deviceOutbox()).isEqualTo(deviceOutbox);
    }

}
