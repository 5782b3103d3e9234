package dev.edp.devicemanagement.device;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;

/** The clients the device registry uses to call other services. */
@Configuration(proxyBeanMethods = false)
class DeviceClientsConfig {

    @Bean
    CertificateRevocations certificateRevocations(@LoadBalanced RestClient.Builder loadBalanced,
            @Value("${edp.device-management.onboarding-url:http://onboarding}") String onboardingUrl) {
        return new OnboardingCertificateRevocations(loadBalanced, onboardingUrl);
    }

}
