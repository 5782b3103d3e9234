package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.UUID;

import dev.edp.test.service.ServiceApi;
import dev.edp.test.service.ServiceSmokeChecks;

import static org.assertj.core.api.Assertions.assertThat;

/** Calls the device-management API of the service under test over real HTTP, as a client would. */
public final class Api extends ServiceApi {

    /** @param checks the service's smoke checks, which know its port */
    public Api(ServiceSmokeChecks checks) {
        super(checks, "/api/devices/v1");
    }

    /**
     * Registers a pending device as an operator of the customer.
     * @param customer the customer
     * @param name device name
     * @return its id
     */
    public UUID registerDevice(UUID customer, String name) {
        HttpResponse<String> response = post("/devices", operator(customer), """
                {"name":"%s","labels":{"line":"3"}}""".formatted(name));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(read(response, "$.id"));
    }
}
