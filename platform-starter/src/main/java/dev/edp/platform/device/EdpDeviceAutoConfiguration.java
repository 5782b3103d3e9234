package dev.edp.platform.device;

import java.time.Clock;
import java.util.List;

import dev.edp.platform.client.EdpServiceCallsAutoConfiguration;
import dev.edp.platform.client.ServiceTokenSource;
import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.security.EdpServletSecurityAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * E3's device credential and request proof in servlet services. Every such service gets
 * the {@link DeviceAssertionVerifier} and {@link CallerAddress}:
 * <ul>
 * <li>{@code edp.device.jwks-uri}: E3's JWKS (credentials), default
 * {@code ${EDP_E3_JWKS_URI:http://localhost:9443/actuator/device-jwks}};</li>
 * <li>{@code edp.device.proof-keys-uri}: E3's request keys, default
 * {@code EDP_E3_PROOF_KEYS_URI}, else the JWKS URI with {@code device-jwks} replaced by
 * {@code device-proof-keys}; fetched with the platform service token
 * ({@link ServiceTokenSource});</li>
 * <li>{@code edp.device.audience} (default {@code spring.application.name}),
 * {@code edp.device.proof-window} (30 s), {@code edp.device.credential-cache-size}
 * (100,000), {@code edp.device.jwks-min-refetch-interval} (5 s, also for the request
 * keys).</li>
 * </ul>
 * The paths in {@code edp.device.paths} (comma-separated Ant patterns) also get their own
 * security filter chain, ahead of the Keycloak one, that accepts only E3's device
 * credential with its proof; controllers there declare a {@link DevicePrincipal}
 * parameter.
 */
@AutoConfiguration(after = { EdpServletSecurityAutoConfiguration.class, EdpServiceCallsAutoConfiguration.class })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, JwtDecoder.class })
@EnableConfigurationProperties(DeviceProperties.class)
public class EdpDeviceAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DeviceAssertionVerifier edpDeviceAssertionVerifier(DeviceProperties properties, Environment environment,
            ObjectProvider<ServiceTokenSource> tokens) {
        String jwksUri = properties.jwksUri() != null ? properties.jwksUri()
                : environment.resolvePlaceholders("${EDP_E3_JWKS_URI:http://localhost:9443/actuator/device-jwks}");
        return new DeviceAssertionVerifier(jwksUri, proofKeysUri(properties, environment, jwksUri),
                properties.audience() != null ? properties.audience()
                        : environment.getProperty("spring.application.name", ""),
                // Asked for only when a proof key is fetched: services without device
                // traffic never need one.
                () -> tokens.getObject().accessToken(), properties.jwksMinRefetchInterval(), properties.proofWindow(),
                properties.credentialCacheSize(), Clock.systemUTC());
    }

    /**
     * E3's request keys: configured, else next to its JWKS on the same management port.
     */
    static String proofKeysUri(DeviceProperties properties, Environment environment, String jwksUri) {
        String configured = properties.proofKeysUri() != null ? properties.proofKeysUri()
                : environment.getProperty("EDP_E3_PROOF_KEYS_URI", "");
        if (!configured.isBlank()) {
            return configured;
        }
        return jwksUri.endsWith("/device-jwks")
                ? jwksUri.substring(0, jwksUri.length() - "device-jwks".length()) + "device-proof-keys"
                : "http://localhost:9443/actuator/device-proof-keys";
    }

    @Bean
    @ConditionalOnMissingBean
    CallerAddress edpCallerAddress(DeviceAssertionVerifier verifier) {
        return new CallerAddress(verifier);
    }

    @Bean
    @Order(10)
    @ConditionalOnProperty("edp.device.paths")
    SecurityFilterChain edpDeviceSecurityFilterChain(HttpSecurity http, DeviceProperties properties,
            DeviceAssertionVerifier verifier) throws Exception {
        http.securityMatcher(properties.paths().toArray(String[]::new))
            .authorizeHttpRequests(requests -> requests.anyRequest().hasRole("DEVICE"))
            .addFilterBefore(new DeviceAssertionFilter(verifier), AuthorizationFilter.class)
            .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
            .csrf(csrf -> csrf.disable());
        return http.build();
    }

    @Bean
    @ConditionalOnProperty("edp.device.paths")
    WebMvcConfigurer edpDevicePrincipalArgumentResolver() {
        return new WebMvcConfigurer() {
            @Override
            public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
                resolvers.add(new DevicePrincipalArgumentResolver());
            }
        };
    }

    /** Lets controllers on device paths declare a {@link DevicePrincipal} parameter. */
    static final class DevicePrincipalArgumentResolver implements HandlerMethodArgumentResolver {

        @Override
        public boolean supportsParameter(MethodParameter parameter) {
            return DevicePrincipal.class.equals(parameter.getParameterType());
        }

        @Override
        public DevicePrincipal resolveArgument(MethodParameter parameter, ModelAndViewContainer container,
                NativeWebRequest request, WebDataBinderFactory binderFactory) {
            Object device = request.getAttribute(DeviceAssertionFilter.ATTRIBUTE, RequestAttributes.SCOPE_REQUEST);
            if (device instanceof DevicePrincipal principal) {
                return principal;
            }
            throw PlatformProblem.DEVICE_ASSERTION_INVALID.exception("This endpoint is for devices, through E3.");
        }

    }

}
