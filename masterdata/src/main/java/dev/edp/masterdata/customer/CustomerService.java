package dev.edp.masterdata.customer;

import java.util.UUID;

import dev.edp.masterdata.support.MasterdataProblem;
import dev.edp.platform.audit.AuditLog;
import dev.edp.platform.audit.Clocks;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.EdpRoles;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Etags;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Customers: created, renamed, deactivated and reactivated by platform admins, read by
 * their own users. Other features ask it whether a customer exists and is active.
 */
@Service
public class CustomerService {

    static final String ENTITY = "CUSTOMER";

    private final CustomerRepository customers;

    private final AuditLog audit;

    private final ApplicationEventPublisher events;

    CustomerService(CustomerRepository customers, AuditLog audit, ApplicationEventPublisher events) {
        this.customers = customers;
        this.audit = audit;
        this.events = events;
    }

    @Transactional
    Customer create(Tenant tenant, CustomerRequests.Create request) {
        Customer customer = Customer.create(request.name().strip(), request.code(), request.contactEmail().strip(),
                Clocks.now(), tenant.actor());
        customers.insert(customer);
        audit.record(customer.id(), tenant, "CUSTOMER_CREATED", ENTITY, customer.id().toString(), null,
                CustomerResponse.of(customer));
        return customer;
    }

    @Transactional(readOnly = true)
    KeysetPage<CustomerResponse> list(Tenant tenant, ListRequest list, CustomerStatus status, String text) {
        var keyset = list.keyset(CustomerRepository.SORTS);
        return customers.page(keyset, list.scope(tenant), status, text).map(CustomerResponse::of);
    }

    @Transactional(readOnly = true)
    Customer get(Tenant tenant, UUID id) {
        tenant.requireAccess(id, what(id));
        return customers.find(id).orElseThrow(() -> NotFound.of(what(id)));
    }

    /**
     * The status of a customer the caller may see, for the other services' checks. The
     * platform's own services (role {@code platform-service}) may read any customer's
     * status: onboarding checks it for device enrollments and renewals, which carry no
     * user token.
     */
    @Transactional(readOnly = true)
    CustomerStatus status(Tenant tenant, UUID id) {
        if (!tenant.hasRole(EdpRoles.SERVICE)) {
            tenant.requireAccess(id, what(id));
        }
        return customers.status(id).orElseThrow(() -> NotFound.of(what(id)));
    }

    @Transactional
    Customer update(Tenant tenant, UUID id, String ifMatch, CustomerRequests.Update request) {
        long version = Etags.requiredVersion(ifMatch);
        Customer before = lockForChange(tenant, id, version);
        Customer after = before.withDetails(request.name() == null ? before.name() : request.name().strip(),
                request.contactEmail() == null ? before.contactEmail() : request.contactEmail().strip(), Clocks.now(),
                tenant.actor());
        return store(tenant, "CUSTOMER_UPDATED", before, after);
    }

    /**
     * Deactivates a customer: its users are disabled in Keycloak (by the listener of
     * {@link CustomerDeactivated}) in the same transaction, so either both happen or
     * neither.
     */
    @Transactional
    Customer deactivate(Tenant tenant, UUID id, String ifMatch) {
        Customer before = lockForChange(tenant, id, ifMatch == null ? null : Etags.requiredVersion(ifMatch));
        if (before.status() == CustomerStatus.DEACTIVATED) {
            return before;
        }
        Customer after = before.withStatus(CustomerStatus.DEACTIVATED, Clocks.now(), tenant.actor());
        Customer stored = store(tenant, "CUSTOMER_DEACTIVATED", before, after);
        events.publishEvent(new CustomerDeactivated(id, tenant));
        return stored;
    }

    /**
     * Reactivates a customer. Its users stay disabled until a customer admin enables them
     * again.
     */
    @Transactional
    Customer activate(Tenant tenant, UUID id, String ifMatch) {
        Customer before = lockForChange(tenant, id, ifMatch == null ? null : Etags.requiredVersion(ifMatch));
        if (before.status() == CustomerStatus.ACTIVE) {
            return before;
        }
        return store(tenant, "CUSTOMER_ACTIVATED", before,
                before.withStatus(CustomerStatus.ACTIVE, Clocks.now(), tenant.actor()));
    }

    /**
     * Makes sure a customer exists and is active, and keeps it so until the caller's
     * transaction ends (a concurrent deactivation waits for it).
     * @param id the customer
     * @throws EdpException 404 if there is no such customer, 409
     * {@code CUSTOMER_DEACTIVATED} if it is deactivated
     */
    @Transactional
    public void requireActive(UUID id) {
        CustomerStatus status = customers.statusForShare(id).orElseThrow(() -> NotFound.of(what(id)));
        if (status != CustomerStatus.ACTIVE) {
            throw MasterdataProblem.CUSTOMER_DEACTIVATED
                .exception("Customer " + id + " is deactivated; its data can be read but not changed.");
        }
    }

    /**
     * @param id a customer id
     * @throws EdpException 404 if there is no such customer
     */
    @Transactional(readOnly = true)
    public void requireExisting(UUID id) {
        customers.find(id).orElseThrow(() -> NotFound.of(what(id)));
    }

    private Customer lockForChange(Tenant tenant, UUID id, Long expectedVersion) {
        tenant.requireAccess(id, what(id));
        Customer customer = customers.findForUpdate(id).orElseThrow(() -> NotFound.of(what(id)));
        Etags.requireVersion(customer.version(), expectedVersion);
        return customer;
    }

    private Customer store(Tenant tenant, String action, Customer before, Customer after) {
        if (!customers.update(after, before.version())) {
            throw Etags.stale();
        }
        audit.record(after.id(), tenant, action, ENTITY, after.id().toString(), CustomerResponse.of(before),
                CustomerResponse.of(after));
        return after;
    }

    private static String what(UUID id) {
        return "Customer " + id;
    }

}
