package dev.edp.gateway.portal;

import java.net.URI;

/**
 * The Content Security Policy of everything the gateway serves. Scripts only from the
 * gateway itself (no {@code unsafe-inline}, no {@code eval}): the Angular build emits no
 * inline script. Styles allow inline {@code style} elements, which Angular and Angular
 * Material insert for component styles at run time. Forms may post to the gateway and to
 * Keycloak, because the logout form's redirect chain ends at Keycloak's logout endpoint
 * (browsers check {@code form-action} along redirects).
 */
public final class PortalContentSecurityPolicy {

    private PortalContentSecurityPolicy() {
    }

    /**
     * @param browserIssuer the realm URL as the browser reaches it
     * @return the policy
     */
    public static String of(String browserIssuer) {
        return "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                + "frame-ancestors 'none'; form-action 'self' " + origin(browserIssuer);
    }

    static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort());
    }

}
