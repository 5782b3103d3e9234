package dev.edp.registry.security;

import java.io.IOException;
import java.util.Set;

import de.codecentric.boot.admin.server.config.AdminServerProperties;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.DelegatingAuthenticationEntryPoint;
import org.springframework.security.web.authentication.LoginUrlAuthenticationEntryPoint;
import org.springframework.security.web.authentication.SavedRequestAwareAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.csrf.CookieCsrfTokenRepository;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestAttributeHandler;
import org.springframework.security.web.util.matcher.MediaTypeRequestMatcher;
import org.springframework.security.web.util.matcher.RequestHeaderRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcherEntry;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher.pathPattern;

/**
 * Who may use the registry (see docs/security.md, "Registry"):
 * <ul>
 * <li>{@code /eureka/**}, the Eureka API: HTTP Basic on every request, as the Eureka
 * client user ({@code edp.registry.username}/{@code password}, which every service holds)
 * or the admin; no session and therefore no CSRF, since nothing a browser keeps by itself
 * authenticates there. Only the dashboard's static files are public.</li>
 * <li>everything else, that is the Eureka dashboard {@code /} and Spring Boot Admin
 * {@code /admin} with its API: the admin login ({@code edp.registry.admin.*}), with
 * Spring Boot Admin's login page for browsers and HTTP Basic for scripts. CSRF as Spring
 * Boot Admin documents it: a readable {@code XSRF-TOKEN} cookie echoed by its UI in
 * {@code X-XSRF-TOKEN}. Unlike its sample, the instance registration endpoints keep CSRF
 * protection: EDP's services are found through Eureka, no Spring Boot Admin client
 * registers over HTTP.</li>
 * <li>{@code /actuator/**} stays as the starter has it for every service: served on the
 * management port only.</li>
 * </ul>
 * Refusals are problem+json (401 {@code UNAUTHORIZED}, 403 {@code FORBIDDEN}) through the
 * error path, except that a browser asking for a page is sent to the login page.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
@EnableConfigurationProperties(RegistryProperties.class)
class RegistrySecurityConfig {

    static final String EUREKA_CLIENT = "EUREKA_CLIENT";

    static final String ADMIN = "REGISTRY_ADMIN";

    static final String REALM = "EDP registry";

    /** The two users; their passwords are checked by {@link SecretPasswordEncoder}. */
    @Bean
    InMemoryUserDetailsManager registryUsers(RegistryProperties properties) {
        return new InMemoryUserDetailsManager(
                User.withUsername(properties.username()).password(properties.password()).roles(EUREKA_CLIENT).build(),
                User.withUsername(properties.admin().username())
                    .password(properties.admin().password())
                    .roles(ADMIN)
                    .build());
    }

    @Bean
    SecretPasswordEncoder registryPasswordEncoder() {
        return new SecretPasswordEncoder();
    }

    @Bean
    @Order(1)
    SecurityFilterChain eurekaApi(HttpSecurity http) throws Exception {
        AuthenticationEntryPoint basic = basicEntryPoint();
        return http.securityMatcher("/eureka/**")
            .authorizeHttpRequests(requests -> requests
                .requestMatchers("/eureka/css/**", "/eureka/js/**", "/eureka/fonts/**", "/eureka/images/**")
                .permitAll()
                .anyRequest()
                .hasAnyRole(EUREKA_CLIENT, ADMIN))
            .httpBasic(httpBasic -> httpBasic.authenticationEntryPoint(basic))
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(basic))
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .requestCache(cache -> cache.disable())
            .csrf(csrf -> csrf.disable())
            .build();
    }

    @Bean
    @Order(2)
    SecurityFilterChain dashboardAndAdmin(HttpSecurity http, AdminServerProperties adminServer) throws Exception {
        // Back to the page that asked for the login, else Spring Boot Admin. Unlike its
        // sample, no redirectTo parameter: it would send a freshly logged-in admin to any
        // URL a link names.
        var loggedIn = new SavedRequestAwareAuthenticationSuccessHandler();
        loggedIn.setDefaultTargetUrl(adminServer.path("/"));
        AuthenticationEntryPoint entryPoint = entryPoint(adminServer.path("/login"));
        return http
            .authorizeHttpRequests(
                    requests -> requests.requestMatchers(adminServer.path("/assets/**"), adminServer.path("/login"))
                        .permitAll()
                        // The management port: the starter's rules for every service
                        // apply there.
                        .requestMatchers("/actuator/**")
                        .permitAll()
                        .requestMatchers("/error")
                        .permitAll()
                        .dispatcherTypeMatchers(DispatcherType.ERROR)
                        .permitAll()
                        // Spring Boot Admin streams over async dispatches
                        // (spring-security#11027).
                        .dispatcherTypeMatchers(DispatcherType.ASYNC)
                        .permitAll()
                        .anyRequest()
                        .hasRole(ADMIN))
            .formLogin(login -> login.loginPage(adminServer.path("/login")).successHandler(loggedIn))
            .logout(logout -> logout.logoutUrl(adminServer.path("/logout")))
            .httpBasic(httpBasic -> httpBasic.authenticationEntryPoint(entryPoint))
            .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint))
            .addFilterAfter(new CsrfCookieFilter(), BasicAuthenticationFilter.class)
            .csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse())
                .csrfTokenRequestHandler(new CsrfTokenRequestAttributeHandler())
                .ignoringRequestMatchers(pathPattern("/actuator/**")))
            .build();
    }

    /** 401 with the RFC 7617 challenge; the body is the error path's problem+json. */
    private static AuthenticationEntryPoint basicEntryPoint() {
        BasicAuthenticationEntryPoint basic = new BasicAuthenticationEntryPoint();
        basic.setRealmName(REALM);
        return basic;
    }

    /**
     * Browsers asking for a page go to the login page; the admin UI's own calls get a
     * plain 401 (a challenge would make the browser pop up its own login box); everything
     * else the Basic challenge.
     */
    private static AuthenticationEntryPoint entryPoint(String loginPage) {
        MediaTypeRequestMatcher pages = new MediaTypeRequestMatcher(MediaType.TEXT_HTML);
        pages.setIgnoredMediaTypes(Set.of(MediaType.ALL));
        AuthenticationEntryPoint unauthorized = (request, response, exception) -> response
            .sendError(HttpStatus.UNAUTHORIZED.value());
        return new DelegatingAuthenticationEntryPoint(basicEntryPoint(),
                new RequestMatcherEntry<>(new RequestHeaderRequestMatcher("X-Requested-With", "XMLHttpRequest"),
                        unauthorized),
                new RequestMatcherEntry<>(pages, new LoginUrlAuthenticationEntryPoint(loginPage)));
    }

    /**
     * Loads the CSRF token on every request, so the repository writes the
     * {@code XSRF-TOKEN} cookie that Spring Boot Admin's UI sends back (Spring Security
     * loads it lazily otherwise).
     */
    static final class CsrfCookieFilter extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (request.getAttribute(CsrfToken.class.getName()) instanceof CsrfToken token) {
                token.getToken();
            }
            chain.doFilter(request, response);
        }

    }

}
