package dev.edp.platform.device;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.edp.platform.problem.EdpException;
import dev.edp.platform.security.EdpServletSecurityAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
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
 * E3's assertion in servlet services. Every such service gets the {@link DeviceAssertionVerifier}
 * (E3's JWKS at {@code edp.device.jwks-uri}, default
 * {@code ${EDP_E3_JWKS_URI:http://localhost:9443/actuator/device-jwks}}, audience
 * {@code spring.application.name}) and {@link CallerAddress}. The paths in {@code edp.device.paths}
 * (comma-separated Ant patterns) also get their own security filter chain, ahead of the Keycloak
 * one, that accepts only E3's device assertion; controllers there declare a {@link DevicePrincipal}
 * parameter.
 */
@AutoConfiguration(after = EdpServletSecurityAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ SecurityFilterChain.class, JwtDecoder.class })
public class EdpDeviceAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    DeviceAssertionVerifier edpDeviceAssertionVerifier(Environment environment) {
        return new DeviceAssertionVerifier(
                environment.getProperty("edp.device.jwks-uri",
                        environment.resolvePlaceholders("${EDP_E3_JWKS_URI:http://localhost:9443/actuator/device-jwks}")),
                environment.getProperty("edp.device.audience", environment.getProperty("spring.application.name", "")),
                environment.getProperty("edp.device.jwks-min-refetch-interval", Duration.class,
                        DeviceAssertionVerifier.DEFAULT_MIN_REFETCH_INTERVAL),
                Clock.systemUTC());
    }

    @Bean
    @ConditionalOnMissingBean
    CallerAddress edpCallerAddress(DeviceAssertionVerifier verifier) {
        return new CallerAddress(verifier);
    }

    @Bean
    @Order(10)
    @ConditionalOnProperty("edp.device.paths")
    SecurityFilterChain edpDeviceSecurityFilterChain(HttpSecurity http, Environment environment,
            DeviceAssertionVerifier verifier) throws Exception {
        List<String> paths = Arrays.stream(environment.getRequiredProperty("edp.device.paths").split(","))
                .map(String::trim).filter(path -> !path.isEmpty()).toList();
        http.securityMatcher(paths.toArray(String[]::new))
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
            throw new EdpException(HttpStatus.UNAUTHORIZED, "DEVICE_ASSERTION_INVALID", "Device authentication required",
                    "This endpoint is for devices, through E3.");
        }
    }
}
