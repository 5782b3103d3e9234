package dev.edp.platform.client;

import java.net.URI;
import java.time.Clock;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.env.PropertyResolver;

/**
 * {@code edp.service-client.*}: the client-credentials client a service calls other
 * services with.
 *
 * @param tokenUri the token endpoint (default: the issuer's,
 * {@code <issuer-uri>/protocol/openid-connect/token})
 * @param clientId the client (default {@code edp-services})
 * @param clientSecret its secret (default the environment variable
 * {@code EDP_SERVICES_CLIENT_SECRET})
 */
@ConfigurationProperties("edp.service-client")
public record ServiceClientProperties(URI tokenUri, String clientId, String clientSecret) {

    /** Fills in the client id's default. */
    public ServiceClientProperties {
        clientId = clientId == null ? "edp-services" : clientId;
    }

    /**
     * The client these settings name, with the defaults that come from elsewhere: the
     * token endpoint of {@code spring.security.oauth2.resourceserver.jwt.issuer-uri}
     * (default {@code http://localhost:8180/realms/edp}) and the secret in
     * {@code EDP_SERVICES_CLIENT_SECRET}. The one place for them, servlet services and E3
     * alike.
     * @param environment the service's environment
     * @param clock the clock the token's lifetime is counted on
     * @return the token source
     */
    public ClientCredentialsTokenSource tokenSource(PropertyResolver environment, Clock clock) {
        URI endpoint = tokenUri != null ? tokenUri
                : URI.create(environment.getProperty("spring.security.oauth2.resourceserver.jwt.issuer-uri",
                        "http://localhost:8180/realms/edp") + "/protocol/openid-connect/token");
        String secret = clientSecret != null ? clientSecret : environment.getProperty("EDP_SERVICES_CLIENT_SECRET", "");
        return new ClientCredentialsTokenSource(endpoint, clientId, secret, clock);
    }
}
