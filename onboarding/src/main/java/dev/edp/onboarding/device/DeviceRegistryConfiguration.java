package dev.edp.onboarding.device;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/**
 * The {@link DeviceRegistry}: device-management by its registry name unless configured
 * otherwise.
 */
@Configuration(proxyBeanMethods = false)
class DeviceRegistryConfiguration {

    @Bean
    @ConditionalOnMissingBean(DeviceRegistry.class)
    DeviceRegistry deviceRegistry(@LoadBalanced RestClient.Builder loadBalanced,
            @Value("${edp.onboarding.device-registry.url:http://device-management}") String baseUrl) {
        return new HttpDeviceRegistry(loadBalanced, baseUrl.replaceAll("/+$", ""));
    }

}
