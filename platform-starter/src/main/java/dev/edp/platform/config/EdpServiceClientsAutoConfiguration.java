package dev.edp.platform.config;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Scope;
import org.springframework.web.client.RestClient;

/**
 * A load-balanced {@link RestClient.Builder} for calls between services by registry name
 * ({@code http://onboarding/...}). It is not a default candidate: inject it with
 * {@code @LoadBalanced RestClient.Builder}; a plain {@code RestClient.Builder} stays
 * Boot's ordinary one, for calls to fixed URLs such as Keycloak's.
 */
@AutoConfiguration(afterName = "org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration")
@ConditionalOnClass(RestClient.class)
public class EdpServiceClientsAutoConfiguration {

    @Bean(defaultCandidate = false)
    @LoadBalanced
    @Scope("prototype")
    RestClient.Builder loadBalancedRestClientBuilder() {
        return RestClient.builder();
    }

}
