package dev.edp.platform.security;

import java.util.ArrayList;
import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.reactive.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.util.matcher.OrServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The actuator of every service (its management port) for anyone who can reach it, and no
 * more:
 * <ul>
 * <li>reading the endpoints listed in {@code edp.management.public-endpoints} (default
 * {@code health,info,prometheus,metrics}: what probes, Prometheus, the launcher, the
 * service health checker and Spring Boot Admin read) and the {@code /actuator} index
 * needs no token; health then shows only the status, since details are
 * {@code when-authorized} for role {@code platform-service} (starter defaults);</li>
 * <li>everything else - every write or delete operation (key rotation, log levels,
 * refresh, restart, shutdown...), and reading any other endpoint an operator may expose
 * (env, heap dump, routes...) - needs a Keycloak token with the realm role
 * {@code platform-service} (the {@code edp-services} client): 401 without or with an
 * invalid token, 403 with another role.</li>
 * </ul>
 * One security chain, matched to actuator requests only ({@link EndpointRequest}: on a
 * separate management port, requests on that port), ahead of the service's own chains,
 * for servlet services and for the reactive gateways alike.
 */
// After the servlet default chain (which backs off when any chain exists), before Boot's
// reactive defaults (which would otherwise add a chain that requires a token on every
// path, E3's device paths too).
@AutoConfiguration(after = EdpServletSecurityAutoConfiguration.class, beforeName = {
        "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration" })
@EnableConfigurationProperties(ManagementProperties.class)
public class EdpManagementSecurityAutoConfiguration {

    /** Endpoint ids readable without a token: {@value}. */
    public static final String PUBLIC_ENDPOINTS = "edp.management.public-endpoints";

    /**
     * Paths (path patterns) anyone may read: the actuator index and the public endpoints,
     * each with its sub-paths ({@code health/readiness},
     * {@code metrics/jvm.memory.used}), under Boot's base path and path mappings.
     */
    static List<String> publicReadPaths(ManagementProperties properties, ObjectProvider<WebEndpointProperties> web) {
        // Boot's bean where its endpoint auto-configuration runs; its defaults otherwise.
        WebEndpointProperties endpoints = web.getIfAvailable(WebEndpointProperties::new);
        String configured = endpoints.getBasePath();
        String base = configured.endsWith("/") ? configured.substring(0, configured.length() - 1) : configured;
        List<String> paths = new ArrayList<>(List.of(base.isEmpty() ? "/" : base, base + "/"));
        for (String id : properties.publicEndpoints()) {
            String path = endpoints.getPathMapping().getOrDefault(id, id);
            path = path.startsWith("/") ? path.substring(1) : path;
            paths.add(base + "/" + path);
            paths.add(base + "/" + path + "/**");
        }
        return paths;
    }

    /** Servlet services. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    // The resource server itself too: the registry has Spring Security and JOSE but no
    // resource server (and exposes no write endpoint), so this chain must back off there.
    @ConditionalOnClass(
            value = { SecurityFilterChain.class, JwtDecoder.class,
                    org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest.class },
            name = "org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken")
    static class Servlet {

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE + 5)
        SecurityFilterChain edpManagementSecurityFilterChain(HttpSecurity http, ManagementProperties properties,
                ObjectProvider<WebEndpointProperties> web) throws Exception {
            List<RequestMatcher> reads = new ArrayList<>();
            for (String path : publicReadPaths(properties, web)) {
                reads.add(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.GET, path));
                reads.add(PathPatternRequestMatcher.withDefaults().matcher(HttpMethod.HEAD, path));
            }
            KeycloakBearerTokens.statelessServlet(http
                .securityMatcher(org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest
                    .toAnyEndpoint())
                .authorizeHttpRequests(requests -> requests.requestMatchers(new OrRequestMatcher(reads))
                    .permitAll()
                    .anyRequest()
                    .hasRole(EdpRoles.SERVICE)));
            return http.build();
        }

    }

    /** The reactive gateways (portal-gateway, E3). */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(value = { SecurityWebFilterChain.class, ReactiveJwtDecoder.class, EndpointRequest.class },
            name = "org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken")
    static class Reactive {

        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE + 5)
        SecurityWebFilterChain edpManagementSecurityWebFilterChain(ServerHttpSecurity http,
                ManagementProperties properties, ObjectProvider<WebEndpointProperties> web) {
            List<String> paths = publicReadPaths(properties, web);
            String[] patterns = paths.toArray(String[]::new);
            ServerWebExchangeMatcher reads = new OrServerWebExchangeMatcher(
                    ServerWebExchangeMatchers.pathMatchers(HttpMethod.GET, patterns),
                    ServerWebExchangeMatchers.pathMatchers(HttpMethod.HEAD, patterns));
            return http.securityMatcher(EndpointRequest.toAnyEndpoint())
                .authorizeExchange(
                        exchanges -> exchanges.matchers(reads).permitAll().anyExchange().hasRole(EdpRoles.SERVICE))
                .oauth2ResourceServer(KeycloakBearerTokens.reactive(ProblemSecurityHandlers.reactiveEntryPoint()))
                .exceptionHandling(
                        exceptions -> exceptions.authenticationEntryPoint(ProblemSecurityHandlers.reactiveEntryPoint())
                            .accessDeniedHandler(ProblemSecurityHandlers.reactiveAccessDeniedHandler()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.disable())
                .httpBasic(basic -> basic.disable())
                .formLogin(form -> form.disable())
                .logout(logout -> logout.disable())
                .csrf(csrf -> csrf.disable())
                .build();
        }

    }

}
