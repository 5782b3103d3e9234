package dev.edp.platform.security;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * Reactive resource servers (the gateway): the same Keycloak token rules as the servlet
 * services ({@link EdpJwtDecoders}: issuer, expiry, audience, token type).
 */
@AutoConfiguration(
        beforeName = "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@ConditionalOnClass(ReactiveJwtDecoder.class)
@EnableConfigurationProperties(EdpSecurityProperties.class)
public class EdpReactiveSecurityAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(ReactiveJwtDecoder.class)
    ReactiveJwtDecoder edpReactiveJwtDecoder(EdpSecurityProperties security, Environment environment,
            ResourceLoader resources) {
        return EdpJwtDecoders.reactive(EdpJwtDecoders.Rules.from(security, environment, resources));
    }

}
