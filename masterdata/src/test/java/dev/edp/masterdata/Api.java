package dev.edp.masterdata;

import java.net.http.HttpResponse;
import java.util.UUID;

import dev.edp.test.service.ServiceApi;
import dev.edp.test.service.ServiceSmokeChecks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls the masterdata API of the service under test over real HTTP, as a client would.
 */
public final class Api extends ServiceApi {

    /**
     * @param checks the service's smoke checks, which know its port
     */
    public Api(ServiceSmokeChecks checks) {
        super(checks, "/api/masterdata/v1");
    }

    /**
     * Creates an active customer as platform admin.
     * @param name its name
     * @return its id
     */
    public UUID createCustomer(String name) {
        String code = "c-" + UUID.randomUUID().toString().substring(0, 8);
        HttpResponse<String> response = post("/customers", root(), """
                {"name":"%s","code":"%s","contactEmail":"ops@%s.example"}""".formatted(name, code, code));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(read(response, "$.id"));
    }

    /**
     * Creates a machine as an operator of the customer.
     * @param customer the customer
     * @param name machine name
     * @param serial serial number
     * @return its id
     */
    public UUID createMachine(UUID customer, String name, String serial) {
        HttpResponse<String> response = post("/machines", operator(customer), """
                {"name":"%s","type":"CNC","serialNumber":"%s","site":"Plant 1","labels":{"line":"3"}}""".formatted(name,
                serial));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return UUID.fromString(read(response, "$.id"));
    }

}
