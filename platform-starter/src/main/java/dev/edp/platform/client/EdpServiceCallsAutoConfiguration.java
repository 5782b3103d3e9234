package dev.edp.platform.client;

import java.net.URI;
import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

import dev.edp.platform.config.EdpServiceClientsAutoConfiguration;

/**
 * {@link ServiceCalls} for the servlet services. The token comes from
 * {@code edp.service-client.token-uri} (default: the issuer's token endpoint) for the client
 * {@code edp.service-client.client-id} (default {@code edp-services}) with
 * {@code edp.service-client.client-secret} ({@code EDP_SERVICES_CLIENT_SECRET}). Tests replace the
 * {@link ServiceTokenSource} (platform-test's JWT issuer does so).
 */
@AutoConfiguration(after = EdpServiceClientsAutoConfiguration.class)
@ConditionalOnClass(RestClient.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
public class EdpServiceCallsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ServiceTokenSource serviceTokenSource(
            @Value("${edp.service-client.token-uri:${spring.security.oauth2.resourceserver.jwt.issuer-uri:http://localhost:8180/realms/edp}/protocol/openid-connect/token}") URI tokenUri,
            @Value("${edp.service-client.client-id:edp-services}") String clientId,
            @Value("${edp.service-client.client-secret:${EDP_SERVICES_CLIENT_SECRET:}}") String clientSecret) {
        return new ClientCredentialsTokenSource(tokenUri, clientId, clientSecret, Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    ServiceCalls serviceCalls(@LoadBalanced ObjectProvider<RestClient.Builder> loadBalanced, ServiceTokenSource tokens) {
        return new ServiceCalls(loadBalanced::getObject, tokens);
    }
}
