package dev.edp.platform.config;

import java.time.Clock;
import java.time.Duration;

import dev.edp.platform.gateway.EdpCircuitBreakerGatewayFilterFactory;
import dev.edp.platform.gateway.EdpRetryGatewayFilterFactory;
import dev.edp.platform.gateway.RefusedConnectionRecorder;
import dev.edp.platform.gateway.RefusedInstances;
import dev.edp.platform.gateway.ServiceFallbackController;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.gateway.filter.headers.observation.DefaultGatewayObservationConvention;
import org.springframework.cloud.gateway.filter.headers.observation.GatewayObservationConvention;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.DispatcherHandler;

/**
 * What portal-gateway and e3-proxy share: the fallback that turns a failed backend into a
 * problem, and circuit-breaker defaults. The time limit sits above the HTTP client's
 * response timeout (so that the client's timeout, which frees the connection, fires
 * first) and above the device long-poll (30 s).
 */
@AutoConfiguration
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(name = { "org.springframework.cloud.gateway.route.RouteLocator",
        "org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory" })
@EnableConfigurationProperties(GatewayProperties.class)
@LoadBalancerClients(defaultConfiguration = EdpLoadBalancerConfiguration.class)
public class EdpGatewayAutoConfiguration {

    /** Instances that refused a connection a moment ago; the load balancer skips them. */
    @Bean
    RefusedInstances edpRefusedInstances() {
        return new RefusedInstances(Clock.systemUTC(), RefusedInstances.DEFAULT_WINDOW);
    }

    @Bean
    RefusedConnectionRecorder edpRefusedConnectionRecorder(RefusedInstances refused) {
        return new RefusedConnectionRecorder(refused);
    }

    @Bean
    ServiceFallbackController edpServiceFallbackController(ObjectProvider<MeterRegistry> meters) {
        return new ServiceFallbackController(meters.getIfAvailable(CompositeMeterRegistry::new), Clock.systemUTC());
    }

    @Bean
    EdpCircuitBreakerGatewayFilterFactory edpCircuitBreakerGatewayFilterFactory(
            ReactiveResilience4JCircuitBreakerFactory breakers, ObjectProvider<DispatcherHandler> dispatcherHandler) {
        return new EdpCircuitBreakerGatewayFilterFactory(breakers, dispatcherHandler);
    }

    @Bean
    EdpRetryGatewayFilterFactory edpRetryGatewayFilterFactory() {
        return new EdpRetryGatewayFilterFactory();
    }

    /**
     * The gateway's own client observation under its own name: by default it is
     * {@code http.client.requests}, like Spring's WebClient/RestClient observation but
     * with other tag keys, and Prometheus then drops whichever registers second
     * (spring-cloud-gateway#3153).
     */
    @Bean
    @ConditionalOnMissingBean(GatewayObservationConvention.class)
    GatewayObservationConvention edpGatewayObservationConvention() {
        return new DefaultGatewayObservationConvention() {
            @Override
            public String getName() {
                return "spring.cloud.gateway.http.client.requests";
            }
        };
    }

    /**
     * The breakers' defaults. {@code edp.gateway.circuit-breaker.count-timeouts=false}
     * (E3 sets it) keeps timeouts out of the failure rate: a backend that is only slow
     * then never opens a breaker that would refuse every caller of the route for seconds;
     * its callers still get the timeout (504), and connection failures still open the
     * breaker, so a dead backend fails fast.
     */
    @Bean
    Customizer<ReactiveResilience4JCircuitBreakerFactory> edpCircuitBreakerDefaults(GatewayProperties properties) {
        Duration timeLimit = properties.timeLimit();
        boolean countTimeouts = properties.circuitBreaker().countTimeouts();
        return factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
            .timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(timeLimit).build())
            .circuitBreakerConfig(CircuitBreakerConfig.custom()
                .ignoreException(failure -> !countTimeouts && ServiceFallbackController.isTimeout(failure))
                .slidingWindowSize(20)
                .minimumNumberOfCalls(10)
                .failureRateThreshold(50)
                .waitDurationInOpenState(Duration.ofSeconds(10))
                .permittedNumberOfCallsInHalfOpenState(3)
                .build())
            .build());
    }

}
