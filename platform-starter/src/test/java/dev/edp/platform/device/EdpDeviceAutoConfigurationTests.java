package dev.edp.platform.device;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import dev.edp.platform.client.ServiceTokenSource;
import dev.edp.test.device.TestE3;
import dev.edp.test.security.TestJwtIssuer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link EdpDeviceAutoConfiguration}: a verifier from {@code edp.device.*} against a real
 * E3 stand-in, backing off.
 */
class EdpDeviceAutoConfigurationTests {

    private static final TestE3 E3 = TestE3.start();

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EdpDeviceAutoConfiguration.class))
        .withBean(ServiceTokenSource.class, () -> TestJwtIssuer::serviceToken);

    @AfterAll
    static void stop() {
        E3.close();
    }

    @Test
    void theVerifierChecksCredentialsForTheServiceNamedByTheApplicationAgainstTheConfiguredE3() {
        runner
            .withPropertyValues("spring.application.name=monitoring", "edp.device.jwks-uri=" + E3.jwksUri(),
                    "edp.device.proof-keys-uri=" + E3.proofKeysUri())
            .run(context -> {
                DeviceAssertionVerifier verifier = context.getBean(DeviceAssertionVerifier.class);
                assertThat(context).hasSingleBean(CallerAddress.class);
                assertThat(verify(verifier, "monitoring").deviceId()).isNotNull();
                // Another service's credential is not this one's.
                assertThatThrownBy(() -> verify(verifier, "onboarding")).isInstanceOf(DeviceAssertionException.class);
            });
    }

    @Test
    void theSettingsAreBoundWithTheirDefaultsAndAnAudienceAndWindowCanBeConfigured() {
        runner.withPropertyValues("spring.application.name=monitoring").run(context -> {
            DeviceProperties defaults = context.getBean(DeviceProperties.class);
            assertThat(defaults.proofWindow()).isEqualTo(Duration.ofSeconds(30));
            assertThat(defaults.credentialCacheSize()).isEqualTo(100_000);
            assertThat(defaults.jwksMinRefetchInterval()).isEqualTo(Duration.ofSeconds(5));
            assertThat(EdpDeviceAutoConfiguration.proofKeysUri(defaults, context.getEnvironment(),
                    "http://e3:9443/actuator/device-jwks"))
                .isEqualTo("http://e3:9443/actuator/device-proof-keys");
        });
        runner
            .withPropertyValues("edp.device.audience=onboarding", "edp.device.jwks-uri=" + E3.jwksUri(),
                    "edp.device.proof-keys-uri=" + E3.proofKeysUri(), "edp.device.proof-window=5m")
            .run(context -> {
                assertThat(context.getBean(DeviceProperties.class).proofWindow()).isEqualTo(Duration.ofMinutes(5));
                assertThat(verify(context.getBean(DeviceAssertionVerifier.class), "onboarding").deviceId()).isNotNull();
            });
    }

    @Test
    void backsOffForTheServicesOwnVerifier() {
        DeviceAssertionVerifier own = new DeviceAssertionVerifier(E3.jwksUri(), E3.proofKeysUri(), "own",
                TestJwtIssuer::serviceToken);
        runner.withBean(DeviceAssertionVerifier.class, () -> own).run(context -> {
            assertThat(context.getBean(DeviceAssertionVerifier.class)).isSameAs(own);
            assertThat(context).hasSingleBean(CallerAddress.class);
        });
    }

    @Test
    void doesNotApplyOutsideAServletApplication() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EdpDeviceAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(DeviceAssertionVerifier.class));
    }

    private static DevicePrincipal verify(DeviceAssertionVerifier verifier, String audience) {
        TestE3.Device device = new TestE3.Device(UUID.randomUUID(), UUID.randomUUID(), "0a1b",
                Instant.now().plus(Duration.ofDays(30)));
        String credential = E3.credential(device, audience);
        String proof = E3.proof(credential, audience, "GET", "/x", null, "127.0.0.1");
        return verifier.verify(credential, proof, "GET", "/x", null);
    }

}
