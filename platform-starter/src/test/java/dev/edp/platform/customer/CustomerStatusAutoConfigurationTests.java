package dev.edp.platform.customer;

import java.time.Duration;
import java.util.List;

import dev.edp.platform.config.EdpServiceClientsAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CustomerStatusAutoConfiguration}: the cached lookup through masterdata and the
 * interceptor that uses it; the service's own lookup instead where it has one
 * (masterdata), no check with discovery off or when switched off, nothing in the reactive
 * gateways.
 */
class CustomerStatusAutoConfigurationTests {

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner().withConfiguration(
            AutoConfigurations.of(EdpServiceClientsAutoConfiguration.class, CustomerStatusAutoConfiguration.class));

    /** Collects what a configurer registers. */
    static final class Interceptors extends InterceptorRegistry {

        List<Object> of(WebMvcConfigurer configurer) {
            configurer.addInterceptors(this);
            return getInterceptors();
        }

    }

    @Test
    void aServletServiceChecksItsCallersCustomersThroughTheCachedMasterdataLookup() {
        runner.withPropertyValues("edp.customer-status.cache-ttl=7s").run(context -> {
            assertThat(context).hasSingleBean(CachingCustomerStatusLookup.class);
            assertThat(context.getBean(CustomerStatusProperties.class).cacheTtl()).isEqualTo(Duration.ofSeconds(7));
            assertThat(new Interceptors().of(context.getBean("edpCustomerStatusInterceptor", WebMvcConfigurer.class)))
                .singleElement()
                .isInstanceOf(CustomerStatusInterceptor.class);
        });
    }

    @Test
    void backsOffForTheServicesOwnLookupAndChecksWithIt() {
        CustomerStatusLookup own = (customer, token) -> CustomerState.ACTIVE;
        runner.withBean(CustomerStatusLookup.class, () -> own).run(context -> {
            assertThat(context).doesNotHaveBean(CachingCustomerStatusLookup.class);
            assertThat(context.getBean(CustomerStatusLookup.class)).isSameAs(own);
            assertThat(new Interceptors().of(context.getBean("edpCustomerStatusInterceptor", WebMvcConfigurer.class)))
                .singleElement()
                .isInstanceOf(HandlerInterceptor.class);
        });
    }

    @Test
    void withDiscoveryOffNothingIsChecked() {
        runner.withPropertyValues("spring.cloud.discovery.enabled=false").run(context -> {
            assertThat(context).doesNotHaveBean(CustomerStatusLookup.class);
            assertThat(new Interceptors().of(context.getBean("edpCustomerStatusInterceptor", WebMvcConfigurer.class)))
                .isEmpty();
        });
    }

    @Test
    void switchedOffOrInAReactiveGatewayItIsNotThere() {
        runner.withPropertyValues("edp.customer-status.enabled=false")
            .run(context -> assertThat(context).doesNotHaveBean(CustomerStatusLookup.class)
                .doesNotHaveBean("edpCustomerStatusInterceptor"));
        new ReactiveWebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CustomerStatusAutoConfiguration.class))
            .run(context -> assertThat(context).doesNotHaveBean(CustomerStatusLookup.class)
                .doesNotHaveBean("edpCustomerStatusInterceptor"));
    }

}
