package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.edp.test.security.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import static dev.edp.devicemanagement.Api.read;
import static dev.edp.devicemanagement.Api.viewer;
import static dev.edp.test.service.ServiceSmokeChecks.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/** Monitoring tells the registry which devices are online, in batches. */
class ConnectivityIntegrationTests extends AbstractApiIntegrationTests {

    static final String SERVICE = TestJwtIssuer.serviceToken();

    static String event(UUID device, UUID customer, boolean online, String at) {
        return "{\"deviceId\":\"%s\",\"customerId\":\"%s\",\"online\":%s,\"at\":\"%s\"}".formatted(device, customer,
                online, at);
    }

    HttpResponse<String> send(String... events) {
        return api.post("/internal/connectivity", SERVICE, "{\"events\":[" + String.join(",", events) + "]}");
    }

    @Test
    void aBatchSetsConnectivityOnlyWhereItIsNewerAndTheListFilterReflectsIt() {
        UUID a = api.registerDevice(customer, "alpha");
        UUID b = api.registerDevice(customer, "bravo");
        HttpResponse<String> first = send(event(a, customer, true, "2026-11-23T10:00:00Z"),
                event(b, customer, false, "2026-11-23T10:00:00Z"),
                // Two events of one device in one batch: the latest counts.
                event(b, customer, true, "2026-11-23T10:00:05Z"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(204);
        assertThat((List<String>) read(api.get("/devices?connectivity=ONLINE", viewer(customer)), "$.items[*].name"))
            .containsExactly("alpha", "bravo");

        // Older news (out of order) is ignored; newer news applies.
        assertThat(send(event(a, customer, false, "2026-11-23T09:59:59Z"),
                event(b, customer, false, "2026-11-23T10:01:00Z"))
            .statusCode()).isEqualTo(204);
        assertThat((List<String>) read(api.get("/devices?connectivity=ONLINE", viewer(customer)), "$.items[*].name"))
            .containsExactly("alpha");
        HttpResponse<String> bravo = api.get("/devices/" + b, viewer(customer));
        assertThat((String) read(bravo, "$.connectivity")).isEqualTo("OFFLINE");
        assertThat((String) read(bravo, "$.connectivitySince")).isEqualTo("2026-11-23T10:01:00Z");
        assertThat((String) read(api.get("/devices/" + a, viewer(customer)), "$.connectivitySince"))
            .isEqualTo("2026-11-23T10:00:00Z");
    }

    @Test
    void unknownDevicesAndEventsNamingAnotherCustomerAreIgnored() {
        UUID device = api.registerDevice(customer, "quiet");
        assertThat(send(event(UUID.randomUUID(), customer, true, "2026-11-23T10:00:00Z"),
                event(device, UUID.randomUUID(), true, "2026-11-23T10:00:00Z"))
            .statusCode()).isEqualTo(204);
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.connectivity"))
            .isEqualTo("UNKNOWN");
    }

    @Test
    void aThousandEventsAreAcceptedAndMoreAreRefusedWithoutChanges() {
        UUID device = api.registerDevice(customer, "crowd");
        String thousand = IntStream.range(0, 1000)
            .mapToObj(i -> event(i == 0 ? device : UUID.randomUUID(), customer, true, "2026-11-23T10:00:00Z"))
            .collect(Collectors.joining(","));
        assertThat(api.post("/internal/connectivity", SERVICE, "{\"events\":[" + thousand + "]}").statusCode())
            .isEqualTo(204);
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.connectivity"))
            .isEqualTo("ONLINE");
        assertProblem(api.post("/internal/connectivity", SERVICE,
                "{\"events\":[" + thousand + "," + event(device, customer, false, "2026-11-23T11:00:00Z") + "]}"), 400,
                "VALIDATION_FAILED");
        assertProblem(send("{\"deviceId\":\"" + device + "\",\"online\":false}"), 400, "VALIDATION_FAILED");
        assertThat((String) read(api.get("/devices/" + device, viewer(customer)), "$.connectivity"))
            .isEqualTo("ONLINE");
    }

}
