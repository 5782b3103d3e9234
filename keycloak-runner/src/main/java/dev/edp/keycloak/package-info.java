/**
 * Runs the real Keycloak distribution with the EDP realm, for the launcher
 * ({@code ./edp up}) and for tests against a real identity provider.
 *
 * <p>
 * {@link dev.edp.keycloak.KeycloakServer} starts and stops Keycloak,
 * {@link dev.edp.keycloak.KeycloakDistribution} finds and unpacks the distribution,
 * {@link dev.edp.keycloak.KeycloakAdmin} and {@link dev.edp.keycloak.OidcTokens} talk to
 * the running server, {@link dev.edp.keycloak.EdpRealm} names what the realm file
 * defines.
 */
package dev.edp.keycloak;
