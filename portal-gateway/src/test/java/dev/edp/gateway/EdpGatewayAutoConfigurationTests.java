package dev.edp.gateway;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import dev.edp.platform.config.EdpGatewayAutoConfiguration;
import dev.edp.platform.config.GatewayProperties;
import dev.edp.platform.gateway.EdpCircuitBreakerGatewayFilterFactory;
import dev.edp.platform.gateway.EdpRetryGatewayFilterFactory;
import dev.edp.platform.gateway.ServiceFallbackController;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JAutoConfiguration;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.gateway.filter.headers.observation.GatewayObservationConvention;
import org.springframework.cloud.gateway.route.RouteLocator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's {@link EdpGatewayAutoConfiguration}, here because the starter's own tests
 * run without Spring Cloud Gateway: the gateways' fallback, breaker filter and breaker
 * defaults (bound from {@code edp.gateway.*}), backing off for a gateway's own
 * observation convention and staying out of applications without Spring Cloud Gateway or
 * a reactive web server.
 */
class EdpGatewayAutoConfigurationTests {

    private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
        .withConfiguration(
                AutoConfigurations.of(ReactiveResilience4JAutoConfiguration.class, EdpGatewayAutoConfiguration.class))
        // The registries resilience4j's own Spring Boot module gives the gateways.
        .withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults)
        .withBean(TimeLimiterRegistry.class, TimeLimiterRegistry::ofDefaults)
        .withBean(BulkheadRegistry.class, BulkheadRegistry::ofDefaults);

    @Test
    void aGatewayGetsTheFallbackTheBreakerAndRetryFiltersAndItsOwnClientObservationName() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(ServiceFallbackController.class)
                .hasSingleBean(EdpCircuitBreakerGatewayFilterFactory.class)
                .hasSingleBean(EdpRetryGatewayFilterFactory.class);
            assertThat(context.getBean(GatewayObservationConvention.class).getName())
                .isEqualTo("spring.cloud.gateway.http.client.requests");
            GatewayProperties properties = context.getBean(GatewayProperties.class);
            assertThat(properties.timeLimit()).isEqualTo(Duration.ofSeconds(45));
            assertThat(properties.circuitBreaker().countTimeouts()).isTrue();
        });
    }

    @Test
    void theBreakersTimeLimitIsTheConfiguredOne() {
        runner.withPropertyValues("edp.gateway.time-limit=200ms", "edp.gateway.circuit-breaker.count-timeouts=false")
            .run(context -> {
                assertThat(context.getBean(GatewayProperties.class).circuitBreaker().countTimeouts()).isFalse();
                AtomicReference<Throwable> failure = new AtomicReference<>();
                String answer = context.getBean(ReactiveResilience4JCircuitBreakerFactory.class)
                    .create("route")
                    .run(Mono.<String>never(), error -> {
                        failure.set(error);
                        return Mono.just("fallback");
                    })
                    // Generous: only the breaker's 200 ms may end the call.
                    .block(Duration.ofSeconds(30));
                assertThat(answer).isEqualTo("fallback");
                assertThat(failure.get()).isInstanceOf(TimeoutException.class);
            });
    }

    @Test
    void backsOffForTheGatewaysOwnObservationConvention() {
        GatewayObservationConvention own = new GatewayObservationConvention() {
        };
        runner.withBean(GatewayObservationConvention.class, () -> own)
            .run(context -> assertThat(context.getBean(GatewayObservationConvention.class)).isSameAs(own));
    }

    @Test
    void doesNotApplyWithoutSpringCloudGatewayOrOutsideAReactiveApplication() {
        runner.withClassLoader(new FilteredClassLoader(RouteLocator.class))
            .run(context -> assertThat(context).doesNotHaveBean(ServiceFallbackController.class)
                .doesNotHaveBean(GatewayProperties.class));
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(EdpGatewayAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(ServiceFallbackController.class));
    }

}
