package dev.edp.masterdata.machine;

import java.util.Optional;
import java.util.UUID;

import dev.edp.masterdata.customer.CustomerService;
import dev.edp.masterdata.support.MasterdataProblem;
import dev.edp.platform.audit.AuditLog;
import dev.edp.platform.audit.Clocks;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Etags;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Machines of a customer: created, changed and deleted by its operators, read by its
 * viewers.
 */
@Service
class MachineService {

    static final String ENTITY = "MACHINE";

    private final MachineRepository machines;

    private final CustomerService customers;

    private final AuditLog audit;

    MachineService(MachineRepository machines, CustomerService customers, AuditLog audit) {
        this.machines = machines;
        this.customers = customers;
        this.audit = audit;
    }

    @Transactional
    Machine create(Tenant tenant, MachineRequest request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        customers.requireActive(customerId);
        Machine machine = Machine.create(customerId, request, Clocks.now(), tenant.actor());
        machines.insert(machine);
        audit.record(customerId, tenant, "MACHINE_CREATED", ENTITY, machine.id().toString(), null,
                MachineResponse.of(machine));
        return machine;
    }

    @Transactional(readOnly = true)
    KeysetPage<MachineResponse> list(Tenant tenant, ListRequest list, MachineFilter filter) {
        var keyset = list.keyset(MachineRepository.SORTS);
        return machines.page(keyset, list.scope(tenant), filter).map(MachineResponse::of);
    }

    @Transactional(readOnly = true)
    Machine get(Tenant tenant, UUID id) {
        Machine machine = machines.find(id).orElseThrow(() -> NotFound.of(what(id)));
        tenant.requireAccess(machine.customerId(), what(id));
        return machine;
    }

    @Transactional
    Machine update(Tenant tenant, UUID id, String ifMatch, MachineRequest request) {
        long version = Etags.requiredVersion(ifMatch);
        Machine before = lockForChange(tenant, id, version);
        if (request.customerId() != null && !request.customerId().equals(before.customerId())) {
            throw MasterdataProblem.CUSTOMER_CANNOT_CHANGE
                .exception("A machine stays with the customer that owns it; leave customerId out or unchanged.");
        }
        Machine after = before.replacedBy(request, Clocks.now(), tenant.actor());
        if (!machines.update(after, version)) {
            throw Etags.stale();
        }
        audit.record(after.customerId(), tenant, "MACHINE_UPDATED", ENTITY, id.toString(), MachineResponse.of(before),
                MachineResponse.of(after));
        return after;
    }

    @Transactional
    void delete(Tenant tenant, UUID id, String ifMatch) {
        long version = Etags.requiredVersion(ifMatch);
        Machine before = lockForChange(tenant, id, version);
        if (!machines.delete(id, version)) {
            throw Etags.stale();
        }
        audit.record(before.customerId(), tenant, "MACHINE_DELETED", ENTITY, id.toString(), MachineResponse.of(before),
                null);
    }

    private Machine lockForChange(Tenant tenant, UUID id, long version) {
        Machine machine = machines.findForUpdate(id).orElseThrow(() -> NotFound.of(what(id)));
        tenant.requireAccess(machine.customerId(), what(id));
        Etags.requireVersion(machine.version(), version);
        customers.requireActive(machine.customerId());
        return machine;
    }

    private static String what(UUID id) {
        return "Machine " + id;
    }

}
