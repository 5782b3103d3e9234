package dev.edp.platform.config;

import java.util.List;

import dev.edp.platform.problem.ProblemDetailsExceptionHandler;
import dev.edp.platform.problem.ProblemDetailsWebExceptionHandler;
import dev.edp.platform.problem.ProblemErrorController;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.http.codec.ServerCodecConfigurer;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.ServerRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EdpServletAutoConfiguration} and {@link EdpReactiveAutoConfiguration}: problem
 * details on their own web stack only, and the status route where the service names its
 * API prefix.
 */
class EdpServletAutoConfigurationTests {

    private static final AutoConfigurations BOTH = AutoConfigurations.of(EdpServletAutoConfiguration.class,
            EdpReactiveAutoConfiguration.class);

    @Test
    void aServletServiceGetsProblemDetailsAndItsStatusUnderItsApiPrefix() {
        new WebApplicationContextRunner().withConfiguration(BOTH)
            .withPropertyValues("edp.service.api-prefix=/api/things")
            .run(context -> {
                assertThat(context).hasSingleBean(ProblemDetailsExceptionHandler.class)
                    .hasSingleBean(ProblemErrorController.class)
                    .doesNotHaveBean(ProblemDetailsWebExceptionHandler.class);
                assertThat(context.getBean(ServiceProperties.class).apiPrefix()).isEqualTo("/api/things");
                RouterFunction<?> status = context.getBean("edpStatusRoute", RouterFunction.class);
                assertThat(routes(status, "/api/things/v1/status")).isTrue();
                assertThat(routes(status, "/api/other/v1/status")).isFalse();
            });
    }

    @Test
    void withoutAnApiPrefixThereIsNoStatusRoute() {
        new WebApplicationContextRunner().withConfiguration(BOTH).run(context -> {
            assertThat(context).hasSingleBean(ProblemDetailsExceptionHandler.class).doesNotHaveBean("edpStatusRoute");
            assertThat(context.getBean(ServiceProperties.class).statusPath()).isNull();
        });
    }

    @Test
    void aReactiveGatewayGetsTheReactiveHandlerOnly() {
        new ReactiveWebApplicationContextRunner().withConfiguration(BOTH)
            .withBean(ServerCodecConfigurer.class, ServerCodecConfigurer::create)
            .withPropertyValues("edp.service.api-prefix=/api/things")
            .run(context -> assertThat(context).hasSingleBean(ProblemDetailsWebExceptionHandler.class)
                .doesNotHaveBean(ProblemDetailsExceptionHandler.class)
                .doesNotHaveBean(ProblemErrorController.class)
                .doesNotHaveBean("edpStatusRoute"));
    }

    @Test
    void neitherAppliesOutsideAWebApplication() {
        new ApplicationContextRunner().withConfiguration(BOTH)
            .run(context -> assertThat(context).doesNotHaveBean(ProblemDetailsWebExceptionHandler.class)
                .doesNotHaveBean(ProblemDetailsExceptionHandler.class));
    }

    private static boolean routes(RouterFunction<?> function, String path) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", path);
        return function.route(ServerRequest.create(request, List.of())).isPresent();
    }

}
