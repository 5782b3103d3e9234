package dev.edp.platform.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code edp.gateway.*}: the circuit breakers of a gateway's routes (portal gateway, E3).
 *
 * @param timeLimit how long a routed call may take before it is a timeout (default 45 s)
 * @param circuitBreaker the breakers' failure rule
 */
@ConfigurationProperties("edp.gateway")
public record GatewayProperties(Duration timeLimit, CircuitBreaker circuitBreaker) {

    /** Fills in the defaults. */
    public GatewayProperties {
        timeLimit = timeLimit == null ? Duration.ofSeconds(45) : timeLimit;
        circuitBreaker = circuitBreaker == null ? new CircuitBreaker(null) : circuitBreaker;
    }

    /**
     * @param countTimeouts whether timeouts count as failures that open a breaker
     * (default true; E3: false, so a slow backend never opens the breaker of its route)
     */
    public record CircuitBreaker(Boolean countTimeouts) {

        /** Fills in the default. */
        public CircuitBreaker {
            countTimeouts = countTimeouts == null ? Boolean.TRUE : countTimeouts;
        }
    }
}
