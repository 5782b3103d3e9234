package dev.edp.platform.security;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.management.*}: the actuator endpoints anyone who reaches the management port
 * may read ({@link EdpManagementSecurityAutoConfiguration}).
 *
 * @param publicEndpoints endpoint ids readable without a token (default
 * {@code health,info,prometheus,metrics}); every other endpoint and every write needs
 * role {@code platform-service}
 */
@ConfigurationProperties("edp.management")
public record ManagementProperties(List<String> publicEndpoints) {

    /** Fills in the default; blank ids are dropped. */
    public ManagementProperties {
        publicEndpoints = publicEndpoints == null ? List.of("health", "info", "prometheus", "metrics")
                : publicEndpoints.stream().map(String::trim).filter(id -> !id.isEmpty()).toList();
    }
}
