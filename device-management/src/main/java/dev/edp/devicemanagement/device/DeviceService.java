package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.platform.audit.AuditLog;
import dev.edp.devicemanagement.desiredstate.DesiredStateNotifier;
import dev.edp.devicemanagement.support.Actors;
import dev.edp.devicemanagement.support.Clocks;
import dev.edp.platform.web.KeysetQuery;
import dev.edp.devicemanagement.support.Labels;
import dev.edp.devicemanagement.support.NotFound;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.Etags;
import dev.edp.platform.web.KeysetPage;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** The device registry: devices registered, listed, moved between environments and decommissioned. */
@Service
class DeviceService {

    static final String ENTITY = "DEVICE";

    private final DeviceRepository devices;
    private final AuditLog audit;
    private final DesiredStateNotifier notifier;

    DeviceService(DeviceRepository devices, AuditLog audit, DesiredStateNotifier notifier) {
        this.devices = devices;
        this.audit = audit;
        this.notifier = notifier;
    }

    @Transactional
    Device register(Tenant tenant, DeviceRequests.Register request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        Instant now = Clocks.now();
        String actor = Actors.of(tenant);
        Environment environment = request.environment() == null ? Environment.TESTING
                : Environment.valueOf(request.environment());
        Device device = new Device(request.id() == null ? UUID.randomUUID() : request.id(), customerId,
                request.name().strip(), environment, request.machineId(),
                request.labels() == null ? Map.of() : new TreeMap<>(request.labels()), Lifecycle.PENDING_ONBOARDING,
                null, null, null, null, Connectivity.UNKNOWN, null, 1, now, actor, now, actor);
        devices.insert(device);
        audit.record(customerId, tenant, "DEVICE_REGISTERED", ENTITY, device.id().toString(), null,
                DeviceResponse.of(device));
        return device;
    }

    @Transactional(readOnly = true)
    KeysetPage<DeviceResponse> list(Tenant tenant, UUID customerId, Integer limit, String cursor, String sort,
            Environment environment, Lifecycle lifecycle, Connectivity connectivity, UUID machineId, String text,
            List<String> labels) {
        int size = Cursor.limit(limit);
        KeysetQuery order = KeysetQuery.parse(sort, "name", DeviceRepository.SORTS);
        var after = order.after(cursor);
        UUID scope = tenant.listScope(Optional.ofNullable(customerId)).orElse(null);
        var filter = new DeviceRepository.Filter(scope, environment, lifecycle, connectivity, machineId, text,
                Labels.filter(labels));
        return KeysetPage.of(devices.page(filter, order, after, size).stream().map(DeviceResponse::of).toList(),
                size, device -> order.cursorOf(order.kind() == KeysetQuery.Kind.TEXT ? device.name()
                        : device.createdAt(), device.id()));
    }

    @Transactional(readOnly = true)
    Device get(Tenant tenant, UUID id) {
        Device device = devices.find(id).orElseThrow(() -> NotFound.of(what(id)));
        tenant.requireAccess(device.customerId(), what(id));
        return device;
    }

    @Transactional
    Device move(Tenant tenant, UUID id, String ifMatch, Environment environment) {
        long version = Etags.requiredVersion(ifMatch);
        Device before = lockForChange(tenant, id, version);
        if (before.lifecycle() == Lifecycle.DECOMMISSIONED) {
            throw decommissioned(id);
        }
        Device after = before.withEnvironment(environment, version + 1, Clocks.now(), Actors.of(tenant));
        return change(tenant, before, after, version, "DEVICE_MOVED");
    }

    @Transactional
    Device decommission(Tenant tenant, UUID id, String ifMatch) {
        long version = Etags.requiredVersion(ifMatch);
        Device before = lockForChange(tenant, id, version);
        if (before.lifecycle() == Lifecycle.DECOMMISSIONED) {
            throw decommissioned(id);
        }
        Device after = before.withLifecycle(Lifecycle.DECOMMISSIONED, version + 1, Clocks.now(), Actors.of(tenant));
        return change(tenant, before, after, version, "DEVICE_DECOMMISSIONED");
    }

    private Device change(Tenant tenant, Device before, Device after, long version, String action) {
        if (!devices.updateState(after, version)) {
            throw Etags.stale();
        }
        audit.record(after.customerId(), tenant, action, ENTITY, after.id().toString(), DeviceResponse.of(before),
                DeviceResponse.of(after));
        // The device's desired state changes with its environment or lifecycle: wake its long-poll.
        notifier.changed(after.customerId());
        return after;
    }

    private Device lockForChange(Tenant tenant, UUID id, long version) {
        Device device = devices.findForUpdate(id).orElseThrow(() -> NotFound.of(what(id)));
        tenant.requireAccess(device.customerId(), what(id));
        if (device.version() != version) {
            throw Etags.stale();
        }
        return device;
    }

    private static EdpException decommissioned(UUID id) {
        return new EdpException(HttpStatus.CONFLICT, "DEVICE_DECOMMISSIONED", "Device decommissioned",
                "Device " + id + " is decommissioned and can no longer change.");
    }

    private static String what(UUID id) {
        return "Device " + id;
    }
}
