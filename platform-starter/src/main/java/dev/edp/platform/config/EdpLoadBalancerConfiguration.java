package dev.edp.platform.config;

import dev.edp.platform.gateway.RefusedInstances;
import dev.edp.platform.gateway.SkipRefusedInstances;

import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Every load-balanced service of a gateway (one child context per service, made by Spring
 * Cloud LoadBalancer): its instances from discovery, cached, without those that just
 * refused a connection. Registered by {@link EdpGatewayAutoConfiguration} as the load
 * balancer's default configuration, never component-scanned.
 */
public class EdpLoadBalancerConfiguration {

    @Bean
    ServiceInstanceListSupplier edpServiceInstanceListSupplier(ConfigurableApplicationContext context,
            RefusedInstances refused) {
        return new SkipRefusedInstances(
                ServiceInstanceListSupplier.builder().withDiscoveryClient().withCaching().build(context), refused);
    }

}
