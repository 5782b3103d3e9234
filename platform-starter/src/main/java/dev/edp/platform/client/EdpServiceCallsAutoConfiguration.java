package dev.edp.platform.client;

import java.time.Clock;

import dev.edp.platform.config.EdpServiceClientsAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.web.client.RestClient;

/**
 * {@link ServiceCalls} for the servlet services. The token comes from
 * {@code edp.service-client.token-uri} (default: the issuer's token endpoint) for the
 * client {@code edp.service-client.client-id} (default {@code edp-services}) with
 * {@code edp.service-client.client-secret} ({@code EDP_SERVICES_CLIENT_SECRET}). Tests
 * replace the {@link ServiceTokenSource} (platform-test's JWT issuer does so).
 */
@AutoConfiguration(after = EdpServiceClientsAutoConfiguration.class)
@ConditionalOnClass(RestClient.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(ServiceClientProperties.class)
public class EdpServiceCallsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ServiceTokenSource serviceTokenSource(ServiceClientProperties properties, Environment environment) {
        return properties.tokenSource(environment, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    ServiceCalls serviceCalls(@LoadBalanced ObjectProvider<RestClient.Builder> loadBalanced,
            ServiceTokenSource tokens) {
        return new ServiceCalls(loadBalanced::getObject, tokens);
    }

}
