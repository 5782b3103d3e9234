package dev.edp.e3;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static dev.edp.e3.E3IntegrationTestSupport.PKI;
import static dev.edp.e3.E3IntegrationTestSupport.client;
import static dev.edp.e3.E3IntegrationTestSupport.get;
import static dev.edp.e3.E3IntegrationTestSupport.noCertificate;
import static dev.edp.e3.E3IntegrationTestSupport.send;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** E3's routes to the device-facing backends, over TLS with a device certificate. */
class E3RoutingIntegrationTests extends AbstractE3IntegrationTests {

    final HttpClient device = client(PKI.device(UUID.randomUUID(), UUID.randomUUID()).sslContext(PKI.root()));

    @Test
    void onboardingHealthAndEstGoToOnboardingWithoutCertificate() {
        HttpClient anonymous = noCertificate();
        assertThat(get(anonymous, url("/onboarding/health")).statusCode()).isEqualTo(204);
        int before = onboarding.calls("/.well-known/est/cacerts");
        assertThat(get(anonymous, url("/.well-known/est/cacerts")).statusCode()).isEqualTo(200);
        assertThat(onboarding.calls("/.well-known/est/cacerts")).isEqualTo(before + 1);
    }

    @Test
    void containerReportGoesToMonitoring() {
        HttpResponse<String> response = send(device, "POST", url("/monitoring/api/v1/monitoring/container"), "{}",
                Map.of());
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(monitoring.received()).anySatisfy(request -> assertThat(request.body()).isEqualTo("{}"));
    }

    @Test
    void desiredStateGoesToDeviceManagement() {
        int before = devices.calls("/devices/api/v1/device/desired-state");
        assertThat(get(device, url("/devices/api/v1/device/desired-state")).statusCode()).isEqualTo(200);
        assertThat(devices.calls("/devices/api/v1/device/desired-state")).isEqualTo(before + 1);
    }

    @Test
    void operatorApisAreNotReachableThroughTheDeviceEndpoint() {
        assertProblem(get(device, url("/api/masterdata/v1/customers")), 404, "NOT_FOUND");
        assertProblem(get(device, url("/api/devices/v1/devices")), 404, "NOT_FOUND");
        assertProblem(get(noCertificate(), url("/api/masterdata/v1/customers")), 401, "DEVICE_CERTIFICATE_REQUIRED");
    }

}
