package dev.edp.devicemanagement;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;

import dev.edp.test.service.EdpServiceTest;
import dev.edp.test.service.ServiceSmokeChecks;
import org.junit.jupiter.api.BeforeEach;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the service's integration tests start from: the whole service against its database
 * ({@link EdpServiceTest}, a context cached for every test class with the same
 * configuration), a client of its API, and a customer of each test's own (JUnit makes a
 * test instance per test), which keeps the tests apart in the shared database.
 */
@EdpServiceTest
public abstract class AbstractApiIntegrationTests {

    @Autowired
    protected ServiceSmokeChecks checks;

    @Autowired
    protected JdbcClient jdbc;

    /** This test's own customer. */
    protected final UUID customer = UUID.randomUUID();

    protected Api api;

    @BeforeEach
    void connectApi() {
        api = new Api(checks);
    }

    /**
     * Registers a device and makes it ACTIVE in the table, for tests that need no
     * certificate.
     * @return the device
     */
    protected UUID activeDevice(UUID customer, String name) {
        UUID device = api.registerDevice(customer, name);
        jdbc.sql("UPDATE device SET lifecycle = 'ACTIVE' WHERE id = :id").param("id", device).update();
        return device;
    }

    /**
     * @return the release the device is handed now (through "E3"), or null for none
     */
    protected String desiredRelease(UUID device, UUID customer) {
        HttpResponse<String> state = TestDevices.desiredState(checks.baseUrl(), device, customer, null, 0);
        assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
        return (String) Api.readOrNull(state, "$.releaseId");
    }

    /**
     * @param entityId the audited entity's id (a device's, a move's, a rollout's)
     * @return how many audit records of the action it has
     */
    protected int audits(Object entityId, String action) {
        return jdbc.sql("SELECT count(*) FROM audit_event WHERE entity_id = :id AND action = :action")
            .params(Map.of("id", entityId.toString(), "action", action))
            .query(Integer.class)
            .single();
    }

}
