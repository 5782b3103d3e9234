package dev.edp.devicemanagement;

import java.util.Map;

import dev.edp.test.http.StubBackend;

/**
 * The services device-management calls, as {@link StubBackend}s shared by every context
 * of the test JVM (so contexts stay cached): onboarding (revocation) and monitoring
 * (device events), found through Spring Cloud's simple discovery client instead of
 * Eureka.
 */
public final class TestBackends {

    /**
     * Stands in for onboarding; answers 200 unless a test scripts its device's revoke
     * path.
     */
    public static final StubBackend ONBOARDING = StubBackend.start();

    /**
     * Stands in for monitoring; answers 200 unless a test scripts the device-events path.
     */
    public static final StubBackend MONITORING = StubBackend.start();

    private TestBackends() {
    }

    /**
     * @return the properties that switch discovery on (without Eureka) and register the
     * stubs as the services' instances
     */
    static Map<String, Object> properties() {
        return Map.of("spring.cloud.discovery.enabled", "true", "eureka.client.enabled", "false",
                // No masterdata here: keep the customer-status check off, as it was with
                // discovery off.
                "edp.customer-status.enabled", "false",
                "spring.cloud.discovery.client.simple.instances.onboarding[0].uri", ONBOARDING.url(),
                "spring.cloud.discovery.client.simple.instances.monitoring[0].uri", MONITORING.url());
    }

}
