package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.UUID;

import dev.edp.devicemanagement.support.DeviceManagementProblem;
import dev.edp.devicemanagement.support.FourEyes;
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
 * Four-eyes for moving a device down: out of PRODUCTION into STAGING or TESTING, out of
 * STAGING into TESTING. Down there it would run releases nobody approved for where it
 * really stands, so an operator requests the move and someone else (customer-admin or
 * above, never the requester) approves it, with the same rules as promotions: the
 * requester can neither approve nor reject, a decided request stays decided, and a
 * request is stale once the device changed after it.
 */
@Service
class DeviceMoveService {

    static final String ENTITY = "DEVICE_MOVE";

    private final DeviceMoveRepository moves;

    private final DeviceRepository devices;

    private final DeviceService deviceService;

    private final AuditLog audit;

    DeviceMoveService(DeviceMoveRepository moves, DeviceRepository devices, DeviceService deviceService,
            AuditLog audit) {
        this.moves = moves;
        this.devices = devices;
        this.deviceService = deviceService;
        this.audit = audit;
    }

    /**
     * @param ifMatch the device's ETag, checked when given
     * @return the new request; the device does not change yet
     */
    @Transactional
    DeviceMove request(Tenant tenant, DeviceRequests.MoveRequest request, String ifMatch) {
        UUID id = request.deviceId();
        Environment target = Environment.valueOf(request.targetEnvironment());
        Device device = deviceService.lockActive(tenant, id, Etags.optionalVersion(ifMatch));
        if (!target.isBelow(device.environment())) {
            throw DeviceManagementProblem.MOVE_APPROVAL_NOT_REQUIRED.exception("Device " + id + " is in "
                    + device.environment() + "; moving it to " + target
                    + " needs no approval: move it directly (POST /api/devices/v1/devices/" + id + "/environment).");
        }
        // Refused now rather than at approval: the override would have to go first
        // anyway.
        deviceService.requireApproved(device, target, device.releaseOverrideId());
        DeviceMove move = DeviceMove.requested(device, target, tenant.actor(), Clocks.now());
        moves.insert(move, tenant.subject());
        audit.record(move.customerId(), tenant, "DEVICE_MOVE_REQUESTED", ENTITY, move.id().toString(), null, move);
        return move;
    }

    @Transactional(readOnly = true)
    DeviceMove get(Tenant tenant, UUID id) {
        DeviceMove move = moves.find(id).orElseThrow(() -> NotFound.of(moveWhat(id)));
        tenant.requireAccess(move.customerId(), moveWhat(id));
        return move;
    }

    @Transactional(readOnly = true)
    KeysetPage<DeviceMove> list(Tenant tenant, ListRequest list) {
        var keyset = list.keyset(DeviceMoveRepository.ORDER);
        return moves.page(keyset, list.scope(tenant));
    }

    /**
     * Approves (moves the device, as the approver) or rejects a request. The request row
     * is locked first, then the device row, so two deciders serialize and the device
     * cannot change between the staleness check and the move.
     */
    @Transactional
    DeviceMove decide(Tenant tenant, UUID id, boolean approve, String reason) {
        var locked = moves.lock(id).orElseThrow(() -> NotFound.of(moveWhat(id)));
        DeviceMove before = locked.move();
        tenant.requireAccess(before.customerId(), moveWhat(id));
        FourEyes.requireDecidable(tenant, "move", id, locked.requestedBySubject(), before.approval().status(),
                DeviceManagementProblem.MOVE_DECIDED);
        Instant now = Clocks.now();
        if (approve) {
            Device device = devices.findForUpdate(before.deviceId()).orElseThrow();
            if (device.version() != before.basisVersion()) {
                throw DeviceManagementProblem.STALE_MOVE.exception("Device " + device.id()
                        + " changed after this move was requested; reject it and request a new one.");
            }
            deviceService.changeEnvironment(tenant, device, before.targetEnvironment());
        }
        moves.decide(id, approve, tenant, now, reason);
        DeviceMove after = moves.find(id).orElseThrow();
        audit.record(before.customerId(), tenant, approve ? "DEVICE_MOVE_APPROVED" : "DEVICE_MOVE_REJECTED", ENTITY,
                id.toString(), before, after);
        return after;
    }

    private static String moveWhat(UUID id) {
        return "Move " + id;
    }

}
