package dev.edp.monitoring.status;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.jayway.jsonpath.JsonPath;
import dev.edp.monitoring.support.Devices;
import dev.edp.monitoring.support.MonitoringIntegrationTest;
import dev.edp.monitoring.support.MonitoringTest;
import dev.edp.test.security.TestJwtIssuer;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The operators' API: a customer sees its own devices only; others' are 404. */
@MonitoringTest
class StatusApiIntegrationTests extends MonitoringIntegrationTest {

    final UUID customer = UUID.randomUUID();

    final UUID other = UUID.randomUUID();

    final List<UUID> devices = new ArrayList<>();

    UUID foreignDevice;

    @BeforeEach
    void setUp() {
        for (int i = 0; i < 5; i++) {
            UUID device = UUID.randomUUID();
            devices.add(device);
            Devices.post(checks.baseUrl(), device, customer, "/monitoring/api/v1/heartbeat", Devices.heartbeat(i, 1));
        }
        foreignDevice = UUID.randomUUID();
        Devices.post(checks.baseUrl(), foreignDevice, other, "/monitoring/api/v1/heartbeat", Devices.heartbeat(1, 1));
        Devices.post(checks.baseUrl(), devices.getFirst(), customer, "/monitoring/api/v1/monitoring/container",
                "{\"containers\":[{\"name\":\"opcua\",\"image\":\"reg/opcua:1\",\"state\":\"ready\"}]}");
        buffer.flush();
    }

    HttpResponse<String> get(String path, String token) {
        return ServiceSmokeChecks.send("GET", checks.baseUrl() + "/api/monitoring/v1" + path, null, null, token);
    }

    String viewer(UUID of) {
        return TestJwtIssuer.token("viewer-" + of, of, "viewer");
    }

    @Test
    void viewerReadsTheStatusOfTheirDeviceWithItsContainers() {
        HttpResponse<String> response = get("/devices/" + devices.getFirst() + "/status", viewer(customer));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JsonPath.<String>read(response.body(), "$.connectivity")).isEqualTo("ONLINE");
        assertThat(JsonPath.<String>read(response.body(), "$.agentVersion")).isEqualTo("1.4.2");
        assertThat(JsonPath.<Number>read(response.body(), "$.containerDisk.totalBytes").longValue())
            .isEqualTo(35_000_000_000L);
        assertThat(JsonPath.<String>read(response.body(), "$.containerStates[0].state")).isEqualTo("ready");
    }

    @Test
    void anotherCustomersDeviceIsNotFoundLikeAnUnknownOne() {
        ServiceSmokeChecks.assertProblem(get("/devices/" + foreignDevice + "/status", viewer(customer)), 404,
                "NOT_FOUND");
        ServiceSmokeChecks.assertProblem(get("/devices/" + foreignDevice + "/heartbeats", viewer(customer)), 404,
                "NOT_FOUND");
        ServiceSmokeChecks.assertProblem(get("/devices/" + UUID.randomUUID() + "/status", viewer(customer)), 404,
                "NOT_FOUND");
        ServiceSmokeChecks.assertProblem(get("/devices?customerId=" + other, viewer(customer)), 404, "NOT_FOUND");
    }

    @Test
    void listIsKeysetPagedAndShowsOnlyTheCustomersDevices() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            HttpResponse<String> page = get("/devices?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                    viewer(customer));
            assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
            seen.addAll(JsonPath.read(page.body(), "$.items[*].deviceId"));
            cursor = page.body().contains("\"nextCursor\"") ? JsonPath.read(page.body(), "$.nextCursor") : null;
            pages++;
        }
        while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).doesNotHaveDuplicates()
            .containsExactlyInAnyOrderElementsOf(devices.stream().map(UUID::toString).toList());

        HttpResponse<String> admin = get("/devices?customerId=" + other,
                TestJwtIssuer.token("root", null, "platform-admin"));
        assertThat(JsonPath.<List<String>>read(admin.body(), "$.items[*].deviceId"))
            .containsExactly(foreignDevice.toString());
    }

    @Test
    void historyOfADeviceIsReadableByTime() {
        HttpResponse<String> response = get("/devices/" + devices.get(2) + "/heartbeats", viewer(customer));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(JsonPath.<List<Object>>read(response.body(), "$[*]")).hasSize(1);
        assertThat(JsonPath.<Number>read(response.body(), "$[0].uptimeSeconds").longValue()).isEqualTo(2);

        HttpResponse<String> before = get(
                "/devices/" + devices.get(2) + "/heartbeats?from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z",
                viewer(customer));
        assertThat(JsonPath.<List<Object>>read(before.body(), "$[*]")).isEmpty();
        ServiceSmokeChecks.assertProblem(
                get("/devices/" + devices.get(2) + "/heartbeats?from=2020-01-02T00:00:00Z&to=2020-01-01T00:00:00Z",
                        viewer(customer)),
                400, "INVALID_RANGE");
    }

    @Test
    void apiNeedsATokenAndTheViewerRole() {
        assertThat(get("/devices", null).statusCode()).isEqualTo(401);
        ServiceSmokeChecks.assertProblem(get("/devices", TestJwtIssuer.token("nobody", customer)), 403, "FORBIDDEN");
    }

}
