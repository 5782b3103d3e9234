package dev.edp.onboarding.device;

import dev.edp.onboarding.OnboardingProperties;

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
    DeviceRegistry deviceRegistry(@LoadBalanced RestClient.Builder loadBalanced, OnboardingProperties properties) {
        return new HttpDeviceRegistry(loadBalanced, properties.deviceRegistry().url());
    }

}
