package dev.edp.masterdata.user;

import java.util.List;
import java.util.UUID;

import dev.edp.masterdata.MasterdataApiTests;
import dev.edp.test.security.TestJwtIssuer;

import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What the user tests against the real Keycloak share: masterdata pointed at the Keycloak
 * {@link UserManagementIntegrationTests} starts once per test JVM, the customer each test
 * gets, its admin's token and its audit trail.
 */
abstract class KeycloakUserTests extends MasterdataApiTests {

    UUID customer;

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry registry) {
        UserManagementIntegrationTests.startKeycloak();
        registry.add("edp.keycloak.server-url", () -> UserManagementIntegrationTests.keycloak.baseUrl().toString());
        registry.add("edp.keycloak.client-secret", () -> UserManagementIntegrationTests.masterdataSecret);
    }

    String customerAdminToken() {
        return TestJwtIssuer.token("ada", customer, "customer-admin");
    }

    /** The customer's audit actions, newest first. */
    List<String> auditActions() {
        return jdbc.sql("SELECT action FROM audit_event WHERE customer_id = :c ORDER BY at DESC, id DESC")
            .param("c", customer)
            .query(String.class)
            .list();
    }

    static String username(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

}
