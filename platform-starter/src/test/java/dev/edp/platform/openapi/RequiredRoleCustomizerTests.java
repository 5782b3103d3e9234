package dev.edp.platform.openapi;

import java.util.List;

import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.HasRole;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.method.HandlerMethod;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code x-edp-required-role}: the role an operation needs, taken from the handler's
 * {@code @PreAuthorize} as Spring Security applies it (the method's wins over its
 * class's), and from the path's audience where the handler names none.
 */
class RequiredRoleCustomizerTests {

    @PreAuthorize("hasRole('customer-admin')")
    static class AdminsOnly {

        void inherited() {
        }

        @PreAuthorize("hasRole('viewer')")
        void overridden() {
        }

    }

    static class Mixed {

        @PreAuthorize("hasRole('operator')")
        void operator() {
        }

        @PreAuthorize("isAuthenticated()")
        void anyToken() {
        }

        @PreAuthorize("hasRole('operator') and #id != null")
        void compound() {
        }

        void unannotated() {
        }

    }

    @HasRole(EdpRoles.OPERATOR)
    static class Operators {

        void inherited() {
        }

        @HasRole(EdpRoles.PLATFORM_ADMIN)
        void overridden() {
        }

    }

    private final RequiredRoleCustomizer customizer = new RequiredRoleCustomizer();

    @Test
    void theMethodsRuleWinsOverItsClassAndTheClassRuleCoversTheRest() throws Exception {
        assertThat(roleOf(AdminsOnly.class, "inherited")).isEqualTo("customer-admin");
        assertThat(roleOf(AdminsOnly.class, "overridden")).isEqualTo("viewer");
    }

    @Test
    void hasRoleIsReadWithItsValueNotAsItsPreAuthorizeTemplate() throws Exception {
        assertThat(roleOf(Operators.class, "inherited")).isEqualTo("operator");
        assertThat(roleOf(Operators.class, "overridden")).isEqualTo("platform-admin");
    }

    @Test
    void rolesAndIsAuthenticatedAreNamedAndOtherRulesAreWrittenAsTheyAre() throws Exception {
        assertThat(roleOf(Mixed.class, "operator")).isEqualTo("operator");
        assertThat(roleOf(Mixed.class, "anyToken")).isEqualTo(RequiredRoleCustomizer.AUTHENTICATED);
        // Not one of the known values: the services' OpenAPI tests (OpenApiChecks) fail
        // on it.
        assertThat(roleOf(Mixed.class, "compound")).isEqualTo("hasRole('operator') and #id != null")
            .isNotIn(RequiredRoleCustomizer.VALUES);
        assertThat(roleOf(Mixed.class, "unannotated")).isNull();
    }

    @Test
    void operationsWithoutARuleGetTheirPathsAudience() throws Exception {
        MockEnvironment environment = new MockEnvironment().withProperty("edp.device.paths", "/monitoring/api/v1/**")
            .withProperty("edp.security.public-paths", "/onboarding/health")
            .withProperty("edp.service.api-prefix", "/api/monitoring");
        Operation viewer = new Operation();
        customizer.customize(viewer, handler(AdminsOnly.class, "overridden"));
        OpenAPI api = new OpenAPI()
            .paths(new Paths().addPathItem("/monitoring/api/v1/heartbeat", new PathItem().post(new Operation()))
                .addPathItem("/onboarding/health", new PathItem().get(new Operation()))
                .addPathItem("/api/monitoring/v1/things", new PathItem().get(new Operation()).post(viewer)));

        new EdpOpenApiCustomizer(ApiPaths.of(environment), "/api/monitoring").customise(api);

        assertThat(role(api, "/monitoring/api/v1/heartbeat", PathItem::getPost)).isEqualTo("device");
        assertThat(role(api, "/onboarding/health", PathItem::getGet)).isEqualTo("anonymous");
        assertThat(role(api, "/api/monitoring/v1/status", PathItem::getGet)).isEqualTo("anonymous");
        assertThat(role(api, "/api/monitoring/v1/things", PathItem::getGet)).isEqualTo("authenticated");
        assertThat(role(api, "/api/monitoring/v1/things", PathItem::getPost)).isEqualTo("viewer");
        assertThat(List.of("device", "anonymous", "authenticated", "viewer"))
            .allMatch(RequiredRoleCustomizer.VALUES::contains);
    }

    private String roleOf(Class<?> type, String method) throws Exception {
        Operation operation = customizer.customize(new Operation(), handler(type, method));
        return operation.getExtensions() == null ? null
                : (String) operation.getExtensions().get(RequiredRoleCustomizer.EXTENSION);
    }

    private static HandlerMethod handler(Class<?> type, String method) throws Exception {
        return new HandlerMethod(type.getDeclaredConstructor().newInstance(), type.getDeclaredMethod(method));
    }

    private static String role(OpenAPI api, String path, java.util.function.Function<PathItem, Operation> method) {
        return (String) method.apply(api.getPaths().get(path)).getExtensions().get(RequiredRoleCustomizer.EXTENSION);
    }

}
