package dev.edp.platform.openapi;

import java.util.List;

import dev.edp.platform.config.ServiceProperties;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.device.DeviceProperties;
import dev.edp.platform.problem.ProblemErrorController;
import dev.edp.platform.security.EdpSecurityProperties;
import dev.edp.platform.security.Tenant;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.servers.Server;
import org.springdoc.core.utils.SpringDocUtils;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Servlet services with springdoc on the class path: the document's title, a relative
 * server (so Swagger UI behind the portal gateway calls the gateway, not the service's
 * own address), the two security schemes, problem responses and the status operation
 * ({@link EdpOpenApiCustomizer}), and the role each operation needs
 * ({@link RequiredRoleCustomizer}, extension {@code x-edp-required-role}). {@link Tenant}
 * and {@link DevicePrincipal} controller parameters come from the token or E3's
 * assertion, never from the request, so they are not documented as parameters.
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(name = "org.springdoc.core.customizers.GlobalOpenApiCustomizer")
@EnableConfigurationProperties({ DeviceProperties.class, ServiceProperties.class, EdpSecurityProperties.class })
public class EdpOpenApiAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    OpenAPI edpOpenApi(Environment environment, ObjectProvider<BuildProperties> build) {
        String service = environment.getProperty("spring.application.name", "edp");
        BuildProperties properties = build.getIfAvailable();
        return new OpenAPI()
            .info(new Info().title("EDP " + service)
                .version(properties == null ? "dev" : properties.getVersion())
                .description("Operator paths (/api/...) are reached through the portal gateway with a bearer token "
                        + "or the portal's session; device paths only through E3 with the device's client "
                        + "certificate. Errors are RFC 9457 problems with a stable code."))
            .servers(List
                .of(new Server().url("/").description("The portal gateway (operator API) or E3 " + "(device paths)")));
    }

    @Bean
    EdpOpenApiCustomizer edpOpenApiCustomizer(DeviceProperties device, ServiceProperties service,
            EdpSecurityProperties security) {
        SpringDocUtils.getConfig()
            .addRequestWrapperToIgnore(Tenant.class, DevicePrincipal.class)
            .addHiddenRestControllers(ProblemErrorController.class);
        return new EdpOpenApiCustomizer(ApiPaths.of(device, service, security), service.apiPrefix());
    }

    @Bean
    @ConditionalOnClass(name = "org.springframework.security.access.prepost.PreAuthorize")
    RequiredRoleCustomizer edpRequiredRoleCustomizer() {
        return new RequiredRoleCustomizer();
    }

}
