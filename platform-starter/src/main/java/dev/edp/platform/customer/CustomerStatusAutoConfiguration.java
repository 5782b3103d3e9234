package dev.edp.platform.customer;

import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Every servlet service refuses a deactivated customer's callers
 * ({@link CustomerStatusInterceptor}). Switched by {@code edp.customer-status.enabled}
 * (default true).
 * <p>
 * The customer's state comes from the application's own {@link CustomerStatusLookup} bean
 * if it declares one (masterdata reads its database), otherwise from masterdata through
 * the registry, cached ({@link MasterdataCustomerStatusLookup},
 * {@link CachingCustomerStatusLookup}; the cache reads the application's {@link Clock}
 * bean if it has exactly one, else the system clock). With discovery switched off
 * ({@code spring.cloud.discovery.enabled=false}, as in the services' own tests)
 * masterdata cannot be found, so the check is left out rather than failing on every call.
 */
@AutoConfiguration(after = dev.edp.platform.config.EdpServiceClientsAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ JwtAuthenticationToken.class, WebMvcConfigurer.class, RestClient.class })
@ConditionalOnProperty(name = "edp.customer-status.enabled", matchIfMissing = true)
@EnableConfigurationProperties(CustomerStatusProperties.class)
public class CustomerStatusAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CustomerStatusAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean(CustomerStatusLookup.class)
    @ConditionalOnProperty(name = "spring.cloud.discovery.enabled", matchIfMissing = true)
    CachingCustomerStatusLookup edpCustomerStatusLookup(@LoadBalanced RestClient.Builder loadBalanced,
            CustomerStatusProperties properties, ObjectProvider<Clock> clock) {
        return new CachingCustomerStatusLookup(new MasterdataCustomerStatusLookup(loadBalanced, properties),
                properties.cacheTtl(), properties.retryAfterFailure(), properties.cacheMaxSize(),
                clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    WebMvcConfigurer edpCustomerStatusInterceptor(ObjectProvider<CustomerStatusLookup> lookups) {
        List<CustomerStatusLookup> found = lookups.orderedStream().toList();
        if (found.size() != 1) {
            log.info("Deactivated customers are not refused here: {} customer status lookups (discovery off?)",
                    found.size());
            return new WebMvcConfigurer() {
            };
        }
        CustomerStatusInterceptor interceptor = new CustomerStatusInterceptor(found.getFirst());
        return new WebMvcConfigurer() {
            @Override
            public void addInterceptors(InterceptorRegistry registry) {
                registry.addInterceptor(interceptor);
            }
        };
    }

}
