package dev.edp.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway logs browsers in with Keycloak.
 *
 * @param issuerUri the realm as the gateway reaches it (token, keys, user info)
 * @param browserIssuerUri the realm as the browser reaches it (login and logout pages);
 * the same as {@code issuerUri} unless the gateway sees Keycloak under another name
 * (containers)
 * @param clientId the confidential client of the portal
 * @param clientSecret its secret, from the environment
 * ({@code EDP_PORTAL_CLIENT_SECRET}), never from git
 */
@ConfigurationProperties("edp.portal")
public record PortalLoginProperties(String issuerUri, String browserIssuerUri, String clientId, String clientSecret) {

    /**
     * @return the issuer the browser is sent to
     */
    public String browserIssuer() {
        return browserIssuerUri == null || browserIssuerUri.isBlank() ? issuerUri : browserIssuerUri;
    }
}
