package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

import dev.edp.devicemanagement.support.Actors;
import dev.edp.devicemanagement.support.Clocks;
import dev.edp.devicemanagement.support.NotFound;
import dev.edp.platform.audit.AuditLog;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Cursor;
import dev.edp.platform.web.Etags;
import dev.edp.platform.web.KeysetPage;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Four-eyes for moving a device down: out of PRODUCTION into STAGING or TESTING, out of STAGING
 * into TESTING. Down there it would run releases nobody approved for where it really stands, so an
 * operator requests the move and someone else (customer-admin or above, never the requester)
 * approves it, with the same rules as promotions: the requester can neither approve nor reject,
 * a decided request stays decided, and a request is stale once the device changed after it.
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
        Device device = devices.findForUpdate(id).orElseThrow(() -> NotFound.of(what(id)));
        tenant.requireAccess(device.customerId(), what(id));
        if (ifMatch != null && !ifMatch.isBlank() && device.version() != Etags.requiredVersion(ifMatch)) {
            throw Etags.stale();
        }
        if (device.lifecycle() == Lifecycle.DECOMMISSIONED) {
            throw DeviceService.decommissioned(id);
        }
        if (!target.isBelow(device.environment())) {
            throw new EdpException(HttpStatus.CONFLICT, "MOVE_APPROVAL_NOT_REQUIRED", "No approval needed",
                    "Device " + id + " is in " + device.environment() + "; moving it to " + target
                            + " needs no approval: move it directly (POST /api/devices/v1/devices/" + id
                            + "/environment).");
        }
        // Refused now rather than at approval: the override would have to go first anyway.
        deviceService.requireApproved(device, target, device.releaseOverrideId());
        DeviceMove move = DeviceMove.requested(device, target, Actors.of(tenant), Clocks.now());
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
    KeysetPage<DeviceMove> list(Tenant tenant, UUID customerId, Integer limit, String cursor) {
        int size = Cursor.limit(limit);
        UUID scope = tenant.listScope(Optional.ofNullable(customerId)).orElse(null);
        return KeysetPage.of(moves.page(scope, DeviceMoveRepository.ORDER.after(cursor), size), size,
                move -> DeviceMoveRepository.ORDER.cursorOf(move.requestedAt(), move.id()));
    }

    /**
     * Approves (moves the device, as the approver) or rejects a request. The request row is locked
     * first, then the device row, so two deciders serialize and the device cannot change between
     * the staleness check and the move.
     */
    @Transactional
    DeviceMove decide(Tenant tenant, UUID id, boolean approve, String reason) {
        var locked = moves.lock(id).orElseThrow(() -> NotFound.of(moveWhat(id)));
        DeviceMove before = locked.move();
        tenant.requireAccess(before.customerId(), moveWhat(id));
        if (locked.requestedBySubject().equals(tenant.subject())) {
            throw new EdpException(HttpStatus.FORBIDDEN, "SELF_APPROVAL", "Four-eyes rule",
                    "A move must be approved or rejected by someone other than who requested it.");
        }
        if (!DeviceMove.REQUESTED.equals(before.status())) {
            throw new EdpException(HttpStatus.CONFLICT, "MOVE_DECIDED", "Already decided",
                    "Move " + id + " was already " + before.status().toLowerCase(Locale.ROOT) + ".");
        }
        Instant now = Clocks.now();
        if (approve) {
            Device device = devices.findForUpdate(before.deviceId()).orElseThrow();
            if (device.version() != before.basisVersion()) {
                throw new EdpException(HttpStatus.CONFLICT, "STALE_MOVE", "Move request is stale",
                        "Device " + device.id() + " changed after this move was requested;"
                                + " reject it and request a new one.");
            }
            deviceService.changeEnvironment(tenant, device, before.targetEnvironment());
        }
        moves.decide(id, approve ? DeviceMove.APPROVED : DeviceMove.REJECTED, Actors.of(tenant), tenant.subject(),
                now, reason);
        DeviceMove after = moves.find(id).orElseThrow();
        audit.record(before.customerId(), tenant, approve ? "DEVICE_MOVE_APPROVED" : "DEVICE_MOVE_REJECTED", ENTITY,
                id.toString(), before, after);
        return after;
    }

    private static String what(UUID id) {
        return "Device " + id;
    }

    private static String moveWhat(UUID id) {
        return "Move " + id;
    }
}
