package dev.edp.platform.openapi;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EdpOpenApiAutoConfiguration}: the document's title from the service's name, path
 * audiences from {@code edp.device.paths}, {@code edp.security.public-paths} and
 * {@code edp.service.api-prefix}, backing off for a service's own {@link OpenAPI}, and
 * only in servlet services with springdoc.
 */
class EdpOpenApiAutoConfigurationTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EdpOpenApiAutoConfiguration.class))
        .withPropertyValues("spring.application.name=monitoring");

    @Test
    void theDocumentIsNamedForTheServiceAndEachPathGetsTheAudienceTheSettingsGiveIt() {
        runner
            .withPropertyValues("edp.device.paths=/monitoring/api/v1/**", "edp.security.public-paths=/open/**",
                    "edp.service.api-prefix=/api/monitoring")
            .run(context -> {
                assertThat(context.getBean(OpenAPI.class).getInfo().getTitle()).isEqualTo("EDP monitoring");
                assertThat(context).hasSingleBean(RequiredRoleCustomizer.class);
                OpenAPI api = new OpenAPI()
                    .paths(new Paths().addPathItem("/monitoring/api/v1/heartbeat", new PathItem().post(new Operation()))
                        .addPathItem("/open/thing", new PathItem().get(new Operation()))
                        .addPathItem("/api/monitoring/v1/alerts", new PathItem().get(new Operation())));
                context.getBean(EdpOpenApiCustomizer.class).customise(api);
                assertThat(role(api.getPaths().get("/monitoring/api/v1/heartbeat").getPost())).isEqualTo("device");
                assertThat(role(api.getPaths().get("/open/thing").getGet())).isEqualTo("anonymous");
                assertThat(role(api.getPaths().get("/api/monitoring/v1/status").getGet())).isEqualTo("anonymous");
                assertThat(role(api.getPaths().get("/api/monitoring/v1/alerts").getGet())).isEqualTo("authenticated");
            });
    }

    @Test
    void backsOffForTheServicesOwnDocument() {
        OpenAPI own = new OpenAPI().info(new Info().title("Own"));
        runner.withBean(OpenAPI.class, () -> own).run(context -> {
            assertThat(context.getBean(OpenAPI.class)).isSameAs(own);
            assertThat(context).hasSingleBean(EdpOpenApiCustomizer.class);
        });
    }

    @Test
    void notInTheReactiveGatewaysNorWithoutSpringdoc() {
        new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(EdpOpenApiAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(EdpOpenApiCustomizer.class)
                .doesNotHaveBean(OpenAPI.class));
        runner.withClassLoader(new FilteredClassLoader("org.springdoc.core.customizers"))
            .run(context -> assertThat(context).doesNotHaveBean(EdpOpenApiCustomizer.class)
                .doesNotHaveBean(OpenAPI.class));
    }

    private static Object role(Operation operation) {
        return operation.getExtensions().get(RequiredRoleCustomizer.EXTENSION);
    }

}
