package dev.edp.platform.customer;

import java.util.UUID;

import dev.edp.platform.problem.PlatformProblem;
import dev.edp.platform.security.Tenant;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Refuses a deactivated customer's callers with 403 {@code CUSTOMER_DEACTIVATED} before
 * any controller runs. Checked: callers authenticated with an access token that carries a
 * {@code customer_id}. Not checked: platform admins (they act for every customer, also to
 * reactivate one), callers without a customer, anonymous requests to public paths.
 * <p>
 * When the state cannot be found out the request goes through (fail-open; why, in
 * docs/security.md). The lookup that failed logs the warning.
 * <p>
 * Devices will be checked the same way once E3 forwards a device principal that carries
 * the device's customer; today only access tokens are.
 */
public class CustomerStatusInterceptor implements HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(CustomerStatusInterceptor.class);

    private final CustomerStatusLookup lookup;

    /**
     * @param lookup where customers' states come from
     */
    public CustomerStatusInterceptor(CustomerStatusLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            return true;
        }
        Tenant tenant = Tenant.fromClaims(token.getToken().getClaims());
        if (tenant.isPlatformAdmin() || tenant.customerId().isEmpty()) {
            return true;
        }
        UUID customer = tenant.customerId().get();
        CustomerState state;
        try {
            state = lookup.stateOf(customer, token.getToken().getTokenValue());
        }
        catch (CustomerStatusUnavailableException ex) {
            log.debug("Customer {} not checked, letting {} through: {}", customer, tenant.username(), ex.getMessage());
            return true;
        }
        if (state == CustomerState.DEACTIVATED) {
            throw PlatformProblem.CUSTOMER_DEACTIVATED.exception(
                    "Customer " + customer + " is deactivated; its users and devices can no longer use the platform.");
        }
        return true;
    }

}
