package dev.edp.platform.security;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.edp.platform.problem.PlatformProblem;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodParameter;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AnnotationTemplateExpressionDefaults;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Servlet services are OAuth2 resource servers: a Keycloak access token issued for the
 * EDP API ({@link EdpJwtDecoders}) on every API call, realm roles as authorities (ranked
 * by {@link EdpRoles#HIERARCHY}), method security on, and a {@link Tenant} parameter for
 * controllers. Stateless: no session, no CSRF (bearer tokens are not sent by a browser on
 * its own). The actuator is open because it is only served on the management port, which
 * is not exposed outside the platform (see docs/security.md). A service that needs other
 * rules declares its own {@link SecurityFilterChain}.
 */
@AutoConfiguration(beforeName = {
        "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
        "org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
// The resource-server module, not just the JOSE one: the registry has Spring Security and
// its tests
// get JOSE through platform-test, but it has its own login rules and no resource server.
@ConditionalOnClass({ SecurityFilterChain.class, JwtDecoder.class, JwtAuthenticationToken.class })
@EnableMethodSecurity
public class EdpServletSecurityAutoConfiguration {

    @Bean
    static RoleHierarchy edpRoleHierarchy() {
        return RoleHierarchyImpl.fromHierarchy(EdpRoles.HIERARCHY);
    }

    /** Fills in the role of {@link HasRole}'s expression. */
    @Bean
    static AnnotationTemplateExpressionDefaults edpAnnotationTemplateExpressionDefaults() {
        return new AnnotationTemplateExpressionDefaults();
    }

    @Bean
    @ConditionalOnMissingBean(JwtDecoder.class)
    JwtDecoder edpJwtDecoder(Environment environment, ResourceLoader resources) {
        return EdpJwtDecoders.servlet(EdpJwtDecoders.Rules.from(environment, resources));
    }

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    SecurityFilterChain edpSecurityFilterChain(HttpSecurity http, Environment environment) throws Exception {
        String[] publicPaths = publicPaths(environment);
        http.authorizeHttpRequests(
                requests -> requests.requestMatchers(publicPaths).permitAll().anyRequest().authenticated())
            .oauth2ResourceServer(resourceServer -> resourceServer
                .jwt(jwt -> jwt.jwtAuthenticationConverter(new KeycloakJwtAuthenticationConverter()))
                .authenticationEntryPoint(ProblemSecurityHandlers.servletEntryPoint())
                .accessDeniedHandler(ProblemSecurityHandlers.servletAccessDeniedHandler()))
            .exceptionHandling(
                    exceptions -> exceptions.authenticationEntryPoint(ProblemSecurityHandlers.servletEntryPoint())
                        .accessDeniedHandler(ProblemSecurityHandlers.servletAccessDeniedHandler()))
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .csrf(csrf -> csrf.disable());
        return http.build();
    }

    /**
     * Paths any caller may use: the service's status, the error path, the actuator
     * (management port only) and what {@code edp.security.public-paths} adds.
     */
    static String[] publicPaths(Environment environment) {
        List<String> paths = new ArrayList<>(List.of("/error", "/actuator/**"));
        String prefix = environment.getProperty("edp.service.api-prefix");
        if (prefix != null) {
            paths.add(prefix + "/v1/status");
        }
        String extra = environment.getProperty("edp.security.public-paths", "");
        Arrays.stream(extra.split(",")).map(String::trim).filter(path -> !path.isEmpty()).forEach(paths::add);
        return paths.toArray(String[]::new);
    }

    @Bean
    AccessDeniedProblemAdvice edpAccessDeniedProblemAdvice() {
        return new AccessDeniedProblemAdvice();
    }

    @Bean
    WebMvcConfigurer edpTenantArgumentResolver() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new TenantArgumentResolver());
            }
        };
    }

    /** Lets controllers declare a {@link Tenant} parameter. */
    static final class TenantArgumentResolver implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return Tenant.class.equals(parameter.getParameterType());
        }

        @Override
        public Tenant resolveArgument(MethodParameter parameter, ModelAndViewContainer container,
                NativeWebRequest request, WebDataBinderFactory binderFactory) {
            Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
            if (authentication instanceof JwtAuthenticationToken token) {
                return Tenant.fromClaims(token.getToken().getClaims());
            }
            throw PlatformProblem.UNAUTHORIZED.exception("A valid access token is required.");
        }

    }

}
