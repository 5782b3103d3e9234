package dev.edp.onboarding.customer;

import java.time.Clock;
import java.util.UUID;

import dev.edp.onboarding.OnboardingProblem;
import dev.edp.platform.client.ServiceCallException;
import dev.edp.platform.client.ServiceTokenSource;
import dev.edp.platform.customer.CachingCustomerStatusLookup;
import dev.edp.platform.customer.CustomerState;
import dev.edp.platform.customer.CustomerStatusLookup;
import dev.edp.platform.customer.CustomerStatusProperties;
import dev.edp.platform.customer.CustomerStatusUnavailableException;
import dev.edp.platform.customer.MasterdataCustomerStatusLookup;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.PlatformProblem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Refuses certificates for devices of a deactivated customer: enrollment (JSON and EST)
 * and renewal ask here before anything is issued or a token is used, and get 403
 * {@code CUSTOMER_DEACTIVATED}.
 * <p>
 * Devices bring no user token, so masterdata's {@code GET
 * /api/masterdata/v1/customers/{id}/status} is asked with this service's own
 * client-credentials token (role {@code platform-service}, which masterdata lets read any
 * customer's status), through the registry, with the starter's timeouts and cache
 * ({@code edp.customer-status.*}: 30 s per customer, 5 s after a failure, the last known
 * state kept during an outage). Switched off with
 * {@code edp.customer-status.enabled=false}, like the check of users.
 * <p>
 * <b>Fail-closed:</b> when the state cannot be found out (masterdata or the identity
 * provider unreachable, no state known from before) the request is answered 503
 * {@code CUSTOMER_STATUS_UNAVAILABLE} with {@code Retry-After}. A certificate outlives
 * the outage by a month, while a refused device just tries again; why, in
 * docs/security.md. A customer masterdata does not know (404) is not refused, as for
 * users.
 * <p>
 * Not a {@link CustomerStatusLookup} bean on purpose: the starter's check of users would
 * then take it (or, seeing two lookups, switch itself off).
 */
@Component
@EnableConfigurationProperties(CustomerStatusProperties.class)
public class CustomerGate {

    private static final Logger log = LoggerFactory.getLogger(CustomerGate.class);

    private final CustomerStatusLookup lookup;

    private final boolean enabled;

    private final long retryAfterSeconds;

    CustomerGate(@LoadBalanced ObjectProvider<RestClient.Builder> loadBalanced, ServiceTokenSource tokens,
            CustomerStatusProperties properties, Clock clock) {
        this.enabled = properties.enabled();
        this.retryAfterSeconds = Math.max(1, (properties.retryAfterFailure().toMillis() + 999) / 1000);
        if (!enabled) {
            this.lookup = null;
            log.warn("edp.customer-status.enabled=false: devices of deactivated customers can enroll and renew");
            return;
        }
        MasterdataCustomerStatusLookup masterdata = new MasterdataCustomerStatusLookup(loadBalanced.getObject(),
                properties);
        // The token is fetched only when masterdata is asked, so a cached state needs no
        // identity provider.
        CustomerStatusLookup asService = (customerId, ignored) -> masterdata.stateOf(customerId, serviceToken(tokens));
        this.lookup = new CachingCustomerStatusLookup(asService, properties.cacheTtl(), properties.retryAfterFailure(),
                properties.cacheMaxSize(), clock);
    }

    /**
     * @param customerId the device's customer
     * @throws EdpException 403 {@code CUSTOMER_DEACTIVATED}, or 503
     * {@code CUSTOMER_STATUS_UNAVAILABLE}
     */
    public void requireActive(UUID customerId) {
        if (!enabled) {
            return;
        }
        CustomerState state;
        try {
            state = lookup.stateOf(customerId, null);
        }
        catch (CustomerStatusUnavailableException ex) {
            log.warn("Refusing a certificate for a device of customer {}: its status is unknown ({})", customerId,
                    ex.getMessage());
            throw OnboardingProblem.CUSTOMER_STATUS_UNAVAILABLE
                .exception("Whether the customer is active cannot be "
                        + "checked right now; nothing was issued. Try again later.")
                .retryAfter(retryAfterSeconds);
        }
        if (state == CustomerState.DEACTIVATED) {
            throw PlatformProblem.CUSTOMER_DEACTIVATED.exception(
                    "Customer " + customerId + " is deactivated; its devices cannot enroll or renew certificates.");
        }
    }

    private static String serviceToken(ServiceTokenSource tokens) {
        try {
            return tokens.accessToken();
        }
        catch (ServiceCallException ex) {
            throw new CustomerStatusUnavailableException("no service token: " + ex.getMessage(), ex);
        }
    }

}
