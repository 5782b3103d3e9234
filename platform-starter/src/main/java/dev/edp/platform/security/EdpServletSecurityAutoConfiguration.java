package dev.edp.platform.security;

import java.util.ArrayList;
import java.util.List;

import dev.edp.platform.config.ServiceProperties;
import dev.edp.platform.problem.PlatformProblem;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodParameter;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;
import org.springframework.security.config.annotation.method.configuration.EnableMethodSecurity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
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
// its tests get JOSE through platform-test, but it has its own login rules and no
// resource server.
@ConditionalOnClass({ SecurityFilterChain.class, JwtDecoder.class, JwtAuthenticationToken.class })
@EnableMethodSecurity
@EnableConfigurationProperties({ ServiceProperties.class, EdpSecurityProperties.class })
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
    JwtDecoder edpJwtDecoder(EdpSecurityProperties security, Environment environment, ResourceLoader resources) {
        return EdpJwtDecoders.servlet(EdpJwtDecoders.Rules.from(security, environment, resources));
    }

    @Bean
    @ConditionalOnMissingBean(SecurityFilterChain.class)
    SecurityFilterChain edpSecurityFilterChain(HttpSecurity http, ServiceProperties service,
            EdpSecurityProperties security) throws Exception {
        String[] publicPaths = publicPaths(service, security);
        KeycloakBearerTokens.statelessServlet(http.authorizeHttpRequests(
                requests -> requests.requestMatchers(publicPaths).permitAll().anyRequest().authenticated()));
        return http.build();
    }

    /**
     * Paths any caller may use: the service's status, the error path, the actuator
     * (management port only) and what {@code edp.security.public-paths} adds.
     */
    static String[] publicPaths(ServiceProperties service, EdpSecurityProperties security) {
        List<String> paths = new ArrayList<>(List.of("/error", "/actuator/**"));
        if (service.statusPath() != null) {
            paths.add(service.statusPath());
        }
        paths.addAll(security.publicPaths());
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
