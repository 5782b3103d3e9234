package dev.edp.masterdata.machine;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.platform.audit.AuditLog;
import dev.edp.masterdata.customer.CustomerService;
import dev.edp.masterdata.support.Clocks;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.masterdata.support.NotFound;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.Etags;
import dev.edp.platform.web.KeysetPage;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Machines of a customer: created, changed and deleted by its operators, read by its viewers. */
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
        var now = Clocks.now();
        String actor = actor(tenant);
        Machine machine = new Machine(UUID.randomUUID(), customerId, request.name().strip(),
                MachineType.valueOf(request.type()), trim(request.manufacturer()), trim(request.model()),
                request.serialNumber().strip(), trim(request.site()), trim(request.location()),
                request.commissioningDate(), labels(request.labels()), 1, now, actor, now, actor);
        machines.insert(machine);
        audit.record(customerId, tenant, "MACHINE_CREATED", ENTITY, machine.id().toString(), null,
                MachineResponse.of(machine));
        return machine;
    }

    @Transactional(readOnly = true)
    KeysetPage<MachineResponse> list(Tenant tenant, UUID customerId, Integer limit, String cursor, String sort,
            MachineType type, String site, String manufacturer, String serialNumber, String text,
            List<String> labels) {
        int size = Cursor.limit(limit);
        KeysetQuery order = KeysetQuery.parse(sort, "name", MachineRepository.SORTS);
        var after = order.after(cursor);
        UUID scope = tenant.listScope(Optional.ofNullable(customerId)).orElse(null);
        var filter = new MachineRepository.Filter(scope, type, site, manufacturer, serialNumber, text,
                labelFilter(labels));
        return KeysetPage.of(machines.page(filter, order, after, size).stream().map(MachineResponse::of).toList(),
                size, machine -> order.cursorOf(order.kind() == KeysetQuery.Kind.TEXT ? machine.name()
                        : machine.createdAt(), machine.id()));
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
            throw new EdpException(HttpStatus.BAD_REQUEST, "CUSTOMER_CANNOT_CHANGE", "Customer cannot change",
                    "A machine stays with the customer that owns it; leave customerId out or unchanged.");
        }
        Machine after = new Machine(id, before.customerId(), request.name().strip(),
                MachineType.valueOf(request.type()), trim(request.manufacturer()), trim(request.model()),
                request.serialNumber().strip(), trim(request.site()), trim(request.location()),
                request.commissioningDate(), labels(request.labels()), before.version() + 1, before.createdAt(),
                before.createdBy(), Clocks.now(), actor(tenant));
        if (!machines.update(after, version)) {
            throw Etags.stale();
        }
        audit.record(after.customerId(), tenant, "MACHINE_UPDATED", ENTITY, id.toString(),
                MachineResponse.of(before), MachineResponse.of(after));
        return after;
    }

    @Transactional
    void delete(Tenant tenant, UUID id, String ifMatch) {
        long version = Etags.requiredVersion(ifMatch);
        Machine before = lockForChange(tenant, id, version);
        if (!machines.delete(id, version)) {
            throw Etags.stale();
        }
        audit.record(before.customerId(), tenant, "MACHINE_DELETED", ENTITY, id.toString(),
                MachineResponse.of(before), null);
    }

    private Machine lockForChange(Tenant tenant, UUID id, long version) {
        Machine machine = machines.findForUpdate(id).orElseThrow(() -> NotFound.of(what(id)));
        tenant.requireAccess(machine.customerId(), what(id));
        if (machine.version() != version) {
            throw Etags.stale();
        }
        customers.requireActive(machine.customerId());
        return machine;
    }

    /** Parses {@code label=key:value} filters. */
    private static Map<String, String> labelFilter(List<String> labels) {
        if (labels == null || labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> filter = new TreeMap<>();
        for (String label : labels) {
            int colon = label.indexOf(':');
            if (colon < 1 || !label.substring(0, colon).matches(MachineRequest.LABEL_KEY)) {
                throw new EdpException(HttpStatus.BAD_REQUEST, "INVALID_LABEL_FILTER", "Invalid label filter",
                        "label must be key:value, for example label=line:3.");
            }
            filter.put(label.substring(0, colon), label.substring(colon + 1));
        }
        return filter;
    }

    private static Map<String, String> labels(Map<String, String> labels) {
        return labels == null ? Map.of() : new TreeMap<>(labels);
    }

    private static String trim(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    private static String actor(Tenant tenant) {
        return tenant.username() == null ? tenant.subject() : tenant.username();
    }

    private static String what(UUID id) {
        return "Machine " + id;
    }
}
