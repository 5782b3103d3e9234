package dev.edp.platform.client;

/**
 * Where this service gets the access token it presents to the platform's other services:
 * an OAuth2 client-credentials token of the {@code edp-services} client, whose service
 * account holds only the {@code platform-service} realm role.
 */
@FunctionalInterface
public interface ServiceTokenSource {

    /**
     * @return a currently valid access token (compact JWT)
     * @throws ServiceCallException if no token can be had (no secret configured, identity
     * provider down)
     */
    String accessToken();

}
