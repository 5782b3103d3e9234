package dev.edp.onboarding.device;

import java.util.Map;
import java.util.UUID;

import dev.edp.platform.problem.EdpException;
import dev.edp.test.http.StubBackend;
import dev.edp.test.http.StubBackend.Answer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link HttpDeviceRegistry} against a real HTTP server standing in for
 * device-management.
 */
class HttpDeviceRegistryTests {

    static final String PATH = "/api/devices/v1/devices";

    final StubBackend deviceManagement = StubBackend.start();

    final DeviceRegistry.Registration registration = new DeviceRegistry.Registration(UUID.randomUUID(), "press-7",
            "TESTING", null, Map.of("line", "3"));

    @AfterEach
    void stop() {
        deviceManagement.close();
    }

    DeviceRegistry registry(String url) {
        return new HttpDeviceRegistry(RestClient.builder(), url);
    }

    @Test
    void aRegisteredDeviceReturnsTheIdAndNameDeviceManagementAssignedAndRelaysTheCallersToken() {
        UUID assigned = UUID.randomUUID();
        deviceManagement.script(PATH, new Answer(201, "application/json",
                "{\"id\":\"" + assigned + "\",\"name\":\"press-7\",\"lifecycle\":\"PENDING_ONBOARDING\"}", 0));

        assertThat(registry(deviceManagement.url()).register(registration, "user-token"))
            .isEqualTo(new DeviceRegistry.Registered(assigned, "press-7"));

        StubBackend.Received received = deviceManagement.received().getFirst();
        assertThat(received.method()).isEqualTo("POST");
        assertThat(received.header("Authorization")).isEqualTo("Bearer user-token");
        assertThat(received.body()).doesNotContain("\"id\"")
            .contains("\"customerId\":\"" + registration.customerId() + "\"")
            .contains("\"name\":\"press-7\"")
            .contains("\"labels\":{\"line\":\"3\"}");
    }

    @Test
    void withoutANameNoneIsSentAndDeviceManagementsIsReturned() {
        UUID assigned = UUID.randomUUID();
        deviceManagement.script(PATH,
                new Answer(201, "application/json", "{\"id\":\"" + assigned + "\",\"name\":\"device-1234abcd\"}", 0));

        DeviceRegistry.Registered registered = registry(deviceManagement.url())
            .register(new DeviceRegistry.Registration(UUID.randomUUID(), null, null, null, null), "t");

        assertThat(registered).isEqualTo(new DeviceRegistry.Registered(assigned, "device-1234abcd"));
        assertThat(deviceManagement.received().getFirst().body()).doesNotContain("\"name\"").doesNotContain("\"id\"");
    }

    @Test
    void aRefusalKeepsDeviceManagementsStatusCodeDetailAndFields() {
        deviceManagement.script(PATH,
                new Answer(400, "application/problem+json",
                        "{\"status\":400,\"title\":\"Invalid request\",\"detail\":\"name: must not be blank\","
                                + "\"code\":\"VALIDATION_FAILED\",\"errors\":[{\"field\":\"name\"}]}",
                        0));

        assertThatExceptionOfType(EdpException.class)
            .isThrownBy(() -> registry(deviceManagement.url()).register(registration, "t"))
            .satisfies(ex -> {
                assertThat(ex.getStatusCode().value()).isEqualTo(400);
                assertThat(ex.getCode()).isEqualTo("VALIDATION_FAILED");
                assertThat(ex.getBody().getDetail()).isEqualTo("name: must not be blank");
                assertThat(ex.getBody().getProperties()).containsKey("errors");
            });
    }

    @Test
    void aServerErrorOrAnAnswerWithoutIdIsUnavailable() {
        deviceManagement.script(PATH, new Answer(500, "application/json", "{}", 0),
                new Answer(201, "application/json", "{\"ok\":true}", 0));
        DeviceRegistry registry = registry(deviceManagement.url());

        for (int i = 0; i < 2; i++) {
            assertThatExceptionOfType(EdpException.class).isThrownBy(() -> registry.register(registration, "t"))
                .satisfies(ex -> {
                    assertThat(ex.getStatusCode().value()).isEqualTo(503);
                    assertThat(ex.getCode()).isEqualTo("DEVICE_REGISTRY_UNAVAILABLE");
                });
        }
    }

    @Test
    void anUnreachableDeviceManagementIsUnavailable() {
        assertThatExceptionOfType(EdpException.class)
            .isThrownBy(() -> registry("http://127.0.0.1:" + StubBackend.closedPort()).register(registration, "t"))
            .satisfies(ex -> assertThat(ex.getCode()).isEqualTo("DEVICE_REGISTRY_UNAVAILABLE"));
    }

}
