package dev.edp.platform.security;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * No Spring Security observations (the starter's default
 * {@code management.observations.enable.spring.security=false}): with an observation
 * registry, Spring Security wraps every filter of every chain, the authentication and the
 * authorization managers in observations, on every request of every device. The property
 * alone turns the observations into no-ops but keeps the wrappers; this setting also
 * keeps Spring Security from installing them. {@code http.server.requests} is unaffected.
 * Setting the property to {@code true} brings both back.
 */
@AutoConfiguration
@ConditionalOnClass(SecurityObservationSettings.class)
@ConditionalOnProperty(name = "management.observations.enable.spring.security", havingValue = "false")
public class EdpSecurityObservationAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SecurityObservationSettings edpNoSecurityObservations() {
        return SecurityObservationSettings.noObservations();
    }

}
