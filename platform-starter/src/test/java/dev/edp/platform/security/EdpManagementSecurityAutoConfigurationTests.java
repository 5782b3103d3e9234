package dev.edp.platform.security;

import dev.edp.test.security.TestJwtIssuer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EdpManagementSecurityAutoConfiguration}: one actuator chain on either web stack,
 * its public reads from {@code edp.management.public-endpoints} under Boot's base path
 * and path mappings, and no chain where there is no resource server (the registry) or no
 * web application. What the chain answers is in {@link ServletManagementSecurityTests}.
 */
class EdpManagementSecurityAutoConfigurationTests {

    private static final AutoConfigurations MANAGEMENT = AutoConfigurations
        .of(EdpManagementSecurityAutoConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    @EnableWebSecurity
    @EnableConfigurationProperties(WebEndpointProperties.class)
    static class ServletSecurity {

        @Bean
        JwtDecoder jwtDecoder() {
            return TestJwtIssuer.jwtDecoder();
        }

    }

    @Configuration(proxyBeanMethods = false)
    @EnableWebFluxSecurity
    static class ReactiveSecurity {

        @Bean
        ReactiveJwtDecoder reactiveJwtDecoder() {
            return TestJwtIssuer.reactiveJwtDecoder();
        }

    }

    @Test
    void aServletServiceGetsTheActuatorChainWithTheDefaultPublicEndpoints() {
        new WebApplicationContextRunner().withConfiguration(MANAGEMENT)
            .withUserConfiguration(ServletSecurity.class)
            .run(context -> {
                assertThat(context).hasBean("edpManagementSecurityFilterChain")
                    .hasSingleBean(SecurityFilterChain.class);
                assertThat(EdpManagementSecurityAutoConfiguration.publicReadPaths(
                        context.getBean(ManagementProperties.class),
                        context.getBeanProvider(WebEndpointProperties.class)))
                    .containsExactly("/actuator", "/actuator/", "/actuator/health", "/actuator/health/**",
                            "/actuator/info", "/actuator/info/**", "/actuator/prometheus", "/actuator/prometheus/**",
                            "/actuator/metrics", "/actuator/metrics/**");
            });
    }

    @Test
    void thePublicReadsFollowTheSettingsBootsBasePathAndItsPathMappings() {
        new WebApplicationContextRunner().withConfiguration(MANAGEMENT)
            .withUserConfiguration(ServletSecurity.class)
            .withPropertyValues("edp.management.public-endpoints=health, devicejwks,",
                    "management.endpoints.web.base-path=/manage/",
                    "management.endpoints.web.path-mapping.health=/healthz")
            .run(context -> assertThat(EdpManagementSecurityAutoConfiguration.publicReadPaths(
                    context.getBean(ManagementProperties.class), context.getBeanProvider(WebEndpointProperties.class)))
                .containsExactly("/manage", "/manage/", "/manage/healthz", "/manage/healthz/**", "/manage/devicejwks",
                        "/manage/devicejwks/**"));
    }

    @Test
    void aReactiveGatewayGetsTheActuatorChainToo() {
        new ReactiveWebApplicationContextRunner().withConfiguration(MANAGEMENT)
            .withUserConfiguration(ReactiveSecurity.class)
            .run(context -> assertThat(context).hasBean("edpManagementSecurityWebFilterChain")
                .hasSingleBean(SecurityWebFilterChain.class)
                .doesNotHaveBean(SecurityFilterChain.class));
    }

    @Test
    void noChainWithoutAResourceServerOrOutsideAWebApplication() {
        new WebApplicationContextRunner().withConfiguration(MANAGEMENT)
            .withUserConfiguration(ServletSecurity.class)
            .withClassLoader(new FilteredClassLoader(
                    "org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken"))
            .run(context -> assertThat(context).doesNotHaveBean("edpManagementSecurityFilterChain"));
        new ApplicationContextRunner().withConfiguration(MANAGEMENT)
            .run(context -> assertThat(context).doesNotHaveBean(SecurityFilterChain.class)
                .doesNotHaveBean(SecurityWebFilterChain.class));
    }

}
