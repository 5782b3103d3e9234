package dev.edp.platform.client;

import java.net.URI;

import org.springframework.boot.context.properties.ConfigurationProperties;

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
}
