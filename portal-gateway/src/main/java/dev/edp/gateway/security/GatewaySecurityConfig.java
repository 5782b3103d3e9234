package dev.edp.gateway.security;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.edp.gateway.portal.PortalContentSecurityPolicy;
import dev.edp.platform.problem.Problems;
import dev.edp.platform.security.KeycloakBearerTokens;
import dev.edp.platform.security.KeycloakJwtAuthenticationConverter;
import dev.edp.platform.security.ProblemSecurityHandlers;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.web.server.logout.OidcClientInitiatedServerLogoutSuccessHandler;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.ReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.userinfo.ReactiveOAuth2UserService;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.server.DefaultServerOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.server.ServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.client.web.server.WebSessionServerOAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint;
import org.springframework.security.web.server.DelegatingServerAuthenticationEntryPoint.DelegateEntry;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.security.web.server.csrf.ServerCsrfTokenRequestAttributeHandler;
import org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.server.WebFilter;

/**
 * The gateway is the portal's backend-for-frontend and the API's front door:
 * <ul>
 * <li>browsers log in with Keycloak (authorization code + PKCE, confidential client); the
 * tokens stay in the server-side session (PostgreSQL), the browser only holds an
 * HTTP-only session cookie; state-changing requests need Angular's XSRF-TOKEN cookie
 * echoed in the X-XSRF-TOKEN header; routes relay the session's access token to the
 * services (TokenRelay);</li>
 * <li>API clients send {@code Authorization: Bearer}; the gateway validates the token and
 * passes it on unchanged (no CSRF: a browser never attaches a bearer header by
 * itself);</li>
 * <li>unauthenticated API calls get a 401 problem, pages a redirect to the login;</li>
 * <li>every answer carries the portal's Content Security Policy (no inline scripts).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
@EnableConfigurationProperties(PortalLoginProperties.class)
class GatewaySecurityConfig {

    static final String REGISTRATION = "keycloak";

    private static final Set<HttpMethod> SAFE_METHODS = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE);

    @Bean
    SecurityWebFilterChain gatewaySecurity(ServerHttpSecurity http, ReactiveClientRegistrationRepository registrations,
            ServerOAuth2AuthorizedClientRepository authorizedClients, PortalLoginProperties portal) {
        var apiPaths = ServerWebExchangeMatchers.pathMatchers("/api/**");
        var problemEntryPoint = ProblemSecurityHandlers.reactiveEntryPoint();
        var entryPoint = new DelegatingServerAuthenticationEntryPoint(new DelegateEntry(apiPaths, problemEntryPoint));
        entryPoint
            .setDefaultEntryPoint(new RedirectServerAuthenticationEntryPoint("/oauth2/authorization/" + REGISTRATION));

        var authorizationRequests = new DefaultServerOAuth2AuthorizationRequestResolver(registrations);
        authorizationRequests.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());

        var logoutSuccess = new OidcClientInitiatedServerLogoutSuccessHandler(registrations);
        logoutSuccess.setPostLogoutRedirectUri("{baseUrl}/");

        var loginFailure = new LoginFailureHandler();
        var csrfTokens = CookieServerCsrfTokenRepository.withHttpOnlyFalse();
        csrfTokens.setCookieCustomizer(cookie -> cookie.sameSite("Lax"));

        return http.authorizeExchange(exchanges -> exchanges
            // Service-to-service endpoints are called inside the platform, never through
            // the gateway.
            .pathMatchers("/api/*/v1/internal/**")
            .denyAll()
            .pathMatchers("/actuator/**", "/fallback", "/api/*/v1/status")
            .permitAll()
            .pathMatchers("/login/**", "/oauth2/**", "/logout", "/favicon.ico")
            .permitAll()
            // The portal's compiled assets hold no data; pages (index.html, deep links)
            // need a login.
            .pathMatchers(HttpMethod.GET, "/*.js", "/*.css", "/media/**")
            .permitAll()
            .anyExchange()
            .authenticated())
            .headers(headers -> headers
                .contentSecurityPolicy(
                        csp -> csp.policyDirectives(PortalContentSecurityPolicy.of(portal.browserIssuer())))
                .referrerPolicy(referrer -> referrer.policy(ReferrerPolicy.SAME_ORIGIN)))
            .oauth2Login(login -> login.authorizationRequestResolver(authorizationRequests)
                .authorizedClientRepository(authorizedClients)
                .authenticationFailureHandler(loginFailure))
            .addFilterBefore(loginFailure, SecurityWebFiltersOrder.AUTHENTICATION)
            .oauth2ResourceServer(KeycloakBearerTokens.reactive(problemEntryPoint))
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint)
                .accessDeniedHandler(ProblemSecurityHandlers.reactiveAccessDeniedHandler()))
            .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens)
                .csrfTokenRequestHandler(new ServerCsrfTokenRequestAttributeHandler())
                .accessDeniedHandler((exchange, denied) -> ProblemSecurityHandlers.write(exchange,
                        Problems.of(HttpStatus.FORBIDDEN, "CSRF_REJECTED", "CSRF token missing or wrong",
                                "Send the XSRF-TOKEN cookie's value in the X-XSRF-TOKEN header.")))
                .requireCsrfProtectionMatcher(GatewaySecurityConfig::needsCsrfProtection))
            .logout(logout -> logout.logoutSuccessHandler(logoutSuccess))
            .build();
    }

    /** State-changing requests that a browser could send with the session cookie. */
    static Mono<ServerWebExchangeMatcher.MatchResult> needsCsrfProtection(
            org.springframework.web.server.ServerWebExchange exchange) {
        if (SAFE_METHODS.contains(exchange.getRequest().getMethod())) {
            return ServerWebExchangeMatcher.MatchResult.notMatch();
        }
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return ServerWebExchangeMatcher.MatchResult.notMatch();
        }
        return ServerWebExchangeMatcher.MatchResult.match();
    }

    /**
     * The CSRF token is lazy in WebFlux; asking for it makes the XSRF-TOKEN cookie reach
     * Angular.
     */
    @Bean
    WebFilter csrfCookieWebFilter() {
        return (exchange, chain) -> {
            Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
            return token == null ? chain.filter(exchange) : token.then(chain.filter(exchange));
        };
    }

    /** Tokens live in the web session (so in PostgreSQL), not in one replica's memory. */
    @Bean
    ServerOAuth2AuthorizedClientRepository authorizedClientRepository() {
        return new WebSessionServerOAuth2AuthorizedClientRepository();
    }

    /**
     * The Keycloak client, with the endpoints spelled out rather than discovered, so the
     * gateway starts even while Keycloak is still starting.
     */
    @Bean
    ReactiveClientRegistrationRepository clientRegistrations(PortalLoginProperties portal) {
        String issuer = portal.issuerUri();
        String browser = portal.browserIssuer();
        ClientRegistration keycloak = ClientRegistration.withRegistrationId(REGISTRATION)
            .clientName("EDP")
            .clientId(portal.clientId())
            .clientSecret(portal.clientSecret() == null ? "" : portal.clientSecret())
            .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
            .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
            .redirectUri("{baseUrl}/login/oauth2/code/{registrationId}")
            .scope("openid", "profile", "email")
            .authorizationUri(browser + "/protocol/openid-connect/auth")
            .tokenUri(issuer + "/protocol/openid-connect/token")
            .jwkSetUri(issuer + "/protocol/openid-connect/certs")
            .userInfoUri(issuer + "/protocol/openid-connect/userinfo")
            .userNameAttributeName("preferred_username")
            .issuerUri(browser)
            .providerConfigurationMetadata(Map.of("end_session_endpoint", browser + "/protocol/openid-connect/logout"))
            .build();
        return new InMemoryReactiveClientRegistrationRepository(keycloak);
    }

    /**
     * A logged-in browser user gets the roles and customer of their access token (the
     * same token the services see), validated by the same decoder as API tokens.
     */
    @Bean
    ReactiveOAuth2UserService<OidcUserRequest, OidcUser> oidcUserService(ReactiveJwtDecoder jwtDecoder) {
        OidcReactiveOAuth2UserService delegate = new OidcReactiveOAuth2UserService();
        return request -> delegate.loadUser(request)
            .flatMap(user -> jwtDecoder.decode(request.getAccessToken().getTokenValue()).map(accessToken -> {
                Map<String, Object> claims = new HashMap<>();
                if (user.getUserInfo() != null) {
                    claims.putAll(user.getUserInfo().getClaims());
                }
                claims.put("sub", user.getSubject());
                for (String claim : new String[] { "realm_access", "customer_id", "preferred_username" }) {
                    Object value = accessToken.getClaims().get(claim);
                    if (value != null) {
                        claims.put(claim, value);
                    }
                }
                return (OidcUser) new DefaultOidcUser(
                        KeycloakJwtAuthenticationConverter.authorities(accessToken.getClaims()), user.getIdToken(),
                        new OidcUserInfo(claims), "preferred_username");
            }));
    }

}
