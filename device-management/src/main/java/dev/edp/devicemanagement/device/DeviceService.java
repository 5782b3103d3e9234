package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import dev.edp.devicemanagement.desiredstate.DesiredStateNotifier;
import dev.edp.devicemanagement.events.DeviceEventType;
import dev.edp.devicemanagement.events.DeviceEvents;
import dev.edp.devicemanagement.support.DeviceManagementProblem;
import dev.edp.platform.audit.AuditLog;
import dev.edp.platform.audit.Clocks;
import dev.edp.platform.audit.Stamp;
import dev.edp.platform.problem.EdpException;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.Tenant;
import dev.edp.platform.web.Etags;
import dev.edp.platform.web.KeysetPage;
import dev.edp.platform.web.ListRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The device registry: devices registered, listed, moved between environments and
 * decommissioned.
 */
@Service
class DeviceService {

    static final String ENTITY = "DEVICE";

    private static final Logger log = LoggerFactory.getLogger(DeviceService.class);

    private final DeviceRepository devices;

    private final AuditLog audit;

    private final DesiredStateNotifier notifier;

    private final CertificateRevocations revocations;

    private final DeviceEvents events;

    DeviceService(DeviceRepository devices, AuditLog audit, DesiredStateNotifier notifier,
            CertificateRevocations revocations, DeviceEvents events) {
        this.devices = devices;
        this.audit = audit;
        this.notifier = notifier;
        this.revocations = revocations;
        this.events = events;
    }

    @Transactional
    Device register(Tenant tenant, DeviceRequests.Register request) {
        UUID customerId = tenant.owningCustomer(Optional.ofNullable(request.customerId()));
        Environment environment = request.environment() == null ? Environment.TESTING
                : Environment.valueOf(request.environment());
        // The server picks the id: a caller-chosen one would tell, by a conflict, that it
        // exists elsewhere.
        UUID id = UUID.randomUUID();
        String name = request.name() == null ? defaultName(id) : request.name().strip();
        Device device = Device.pending(id, customerId, name, environment, request.machineId(),
                request.labels() == null ? Map.of() : new TreeMap<>(request.labels()),
                Stamp.created(Clocks.now(), tenant.actor()));
        devices.insert(device);
        audit.record(customerId, tenant, "DEVICE_REGISTERED", ENTITY, device.id().toString(), null,
                DeviceResponse.of(device));
        return device;
    }

    @Transactional(readOnly = true)
    KeysetPage<DeviceResponse> list(Tenant tenant, ListRequest list, DeviceFilter filter) {
        var keyset = list.keyset(DeviceRepository.SORTS);
        return devices.page(keyset, list.scope(tenant), filter).map(DeviceResponse::of);
    }

    @Transactional(readOnly = true)
    Device get(Tenant tenant, UUID id) {
        Device device = devices.find(id).orElseThrow(() -> NotFound.of(what(id)));
        tenant.requireAccess(device.customerId(), what(id));
        return device;
    }

    /**
     * Moves a device into the same or a higher environment. A move out of STAGING or
     * PRODUCTION into a lower one is refused here: it is a request a second person
     * approves ({@link DeviceMoveService}).
     */
    @Transactional
    Device move(Tenant tenant, UUID id, String ifMatch, Environment environment) {
        Device before = lockActive(tenant, id, Etags.requiredVersion(ifMatch));
        if (environment.isBelow(before.environment())) {
            throw DeviceManagementProblem.MOVE_APPROVAL_REQUIRED
                .exception("Moving device " + id + " from " + before.environment() + " down to " + environment
                        + " lets it run releases nobody approved for " + before.environment()
                        + "; request the move (POST /api/devices/v1/moves) and have someone else approve it.");
        }
        return changeEnvironment(tenant, before, environment);
    }

    /**
     * Moves a locked device, audited as {@code DEVICE_MOVED} by {@code tenant}; its
     * release override must be approved for the new environment.
     */
    Device changeEnvironment(Tenant tenant, Device before, Environment environment) {
        requireApproved(before, environment, before.releaseOverrideId());
        Device after = before.movedTo(environment, Clocks.now(), tenant.actor());
        return change(tenant, before, after, before.version(), "DEVICE_MOVED");
    }

    /**
     * Refuses a release on a device in STAGING or PRODUCTION unless a second person
     * approved it for that environment (an approved promotion into it, or its current
     * pin). TESTING takes any release of the customer.
     * @param device the device
     * @param environment the environment it is in or goes to
     * @param releaseId its release override, or null for none
     */
    void requireApproved(Device device, Environment environment, UUID releaseId) {
        if (releaseId != null && environment.requiresApproval()
                && !devices.releaseApprovedFor(releaseId, device.customerId(), environment)) {
            throw DeviceManagementProblem.RELEASE_NOT_APPROVED
                .exception("Release " + releaseId + " was never approved for " + environment + ", so device "
                        + device.id() + " may not run it there. Promote it into " + environment + " first"
                        + (environment == device.environment() ? "." : ", or clear the device's release override."));
        }
    }

    /**
     * Decommissions a device. Onboarding revokes its certificates (and an open onboarding
     * token) first, with the caller's token, while the device row is locked; only when
     * that succeeded is the decommission committed. A failed commit after a successful
     * revocation leaves a device that is still ACTIVE with a revoked certificate:
     * repeating the decommission finishes it (revocation is idempotent at onboarding).
     */
    @Transactional
    Device decommission(Tenant tenant, UUID id, String ifMatch, String bearerToken) {
        Device before = lockActive(tenant, id, Etags.requiredVersion(ifMatch));
        try {
            // Also for a pending device: onboarding then revokes its unused onboarding
            // token (404: none).
            revocations.revokeDevice(id, bearerToken);
        }
        catch (CertificateRevocations.RevocationUnavailableException ex) {
            log.warn("Device {} not decommissioned: {}", id, ex.getMessage());
            throw DeviceManagementProblem.CERTIFICATE_REVOCATION_UNAVAILABLE.exception("The certificates of device "
                    + id + " could not be revoked now, so it was not decommissioned. Try again later.");
        }
        Instant now = Clocks.now();
        Device after = before.withLifecycle(Lifecycle.DECOMMISSIONED, now, tenant.actor());
        Device changed = change(tenant, before, after, before.version(), "DEVICE_DECOMMISSIONED");
        events.publish(id, before.customerId(), DeviceEventType.DECOMMISSIONED,
                "Device " + before.name() + " was decommissioned by " + tenant.actor() + ".", now);
        return changed;
    }

    /**
     * Pins one device to a release of its customer, or clears that ({@code releaseId}
     * null). On a device in STAGING or PRODUCTION only a release approved for that
     * environment.
     * @param ifMatch the device's ETag, checked when given
     */
    @Transactional
    Device overrideRelease(Tenant tenant, UUID id, String ifMatch, UUID releaseId) {
        Device before = lockActive(tenant, id, Etags.optionalVersion(ifMatch));
        if (releaseId != null && !devices.releaseBelongsTo(releaseId, before.customerId())) {
            throw NotFound.of("Release " + releaseId);
        }
        requireApproved(before, before.environment(), releaseId);
        if (Objects.equals(releaseId, before.releaseOverrideId())) {
            return before;
        }
        Device after = before.withReleaseOverride(releaseId, Clocks.now(), tenant.actor());
        return change(tenant, before, after, before.version(),
                releaseId == null ? "DEVICE_RELEASE_OVERRIDE_CLEARED" : "DEVICE_RELEASE_OVERRIDDEN");
    }

    /**
     * Onboarding issued (or renewed) a certificate for a device: it becomes ACTIVE with
     * that serial and expiry. Safe to repeat and to receive out of order: a certificate
     * that does not expire later than the stored one changes nothing. A decommissioned
     * device stays decommissioned; an unknown device is registered ACTIVE for the
     * customer.
     * @param service the calling service
     * @param id the device
     * @param certificate the certificate
     */
    @Transactional
    void certificateIssued(Tenant service, UUID id, DeviceRequests.Certificate certificate) {
        UUID changed = applyCertificate(service, id, certificate);
        if (changed != null) {
            notifier.changed(changed);
        }
    }

    /**
     * Several certificates onboarding issued, each as {@link #certificateIssued}, in one
     * transaction: one refused rolls back the others, so the caller can split the batch
     * and find it (onboarding's outbox relay does). Each customer whose desired states
     * changed is notified once.
     * @param service the calling service
     * @param issued the certificates
     */
    @Transactional
    void certificatesIssued(Tenant service, List<DeviceRequests.IssuedCertificate> issued) {
        Set<UUID> changed = new LinkedHashSet<>();
        for (DeviceRequests.IssuedCertificate one : issued) {
            UUID customer = applyCertificate(service, one.deviceId(), one.certificate());
            if (customer != null) {
                changed.add(customer);
            }
        }
        changed.forEach(notifier::changed);
    }

    /**
     * {@link #certificateIssued}'s work without the notification.
     * @return the customer whose devices' desired states changed (a device became
     * ACTIVE), or null
     */
    private UUID applyCertificate(Tenant service, UUID id, DeviceRequests.Certificate certificate) {
        if (!certificate.notAfter().isAfter(certificate.notBefore())) {
            throw DeviceManagementProblem.INVALID_VALIDITY.exception("notAfter must be later than notBefore.");
        }
        String serial = certificate.serial().toLowerCase(Locale.ROOT);
        Instant notAfter = certificate.notAfter().truncatedTo(ChronoUnit.MICROS);
        Instant now = Clocks.now();
        String actor = service.actor();
        Device.Certificate issued = new Device.Certificate(serial, notAfter);
        Device fresh = Device.enrolled(id, certificate.customerId(), defaultName(id), issued,
                Stamp.created(now, actor));
        if (devices.insertIfAbsent(fresh)) {
            audit.record(fresh.customerId(), service, "DEVICE_ENROLLED", ENTITY, id.toString(), null,
                    DeviceResponse.of(fresh));
            return fresh.customerId();
        }
        Device before = devices.findForUpdate(id).orElseThrow(() -> NotFound.of(what(id)));
        if (!before.customerId().equals(certificate.customerId())) {
            throw DeviceManagementProblem.DEVICE_CUSTOMER_MISMATCH
                .exception("Device " + id + " is registered for another customer than the certificate's.");
        }
        if (before.lifecycle() == Lifecycle.DECOMMISSIONED) {
            log.warn("Certificate {} for decommissioned device {} ignored; the device stays decommissioned", serial,
                    id);
            return null;
        }
        Instant storedNotAfter = before.certificate().notAfter();
        if (storedNotAfter != null && !notAfter.isAfter(storedNotAfter)) {
            log.info("Certificate {} for device {} ignored: it expires no later than the stored {}", serial, id,
                    before.certificate().serial());
            return null;
        }
        Device after = before.withCertificate(issued, now, actor);
        if (!devices.update(after, before.version())) {
            throw Etags.stale();
        }
        audit.record(after.customerId(), service,
                before.lifecycle() == Lifecycle.PENDING_ONBOARDING ? "DEVICE_ENROLLED" : "DEVICE_CERTIFICATE_RENEWED",
                ENTITY, id.toString(), DeviceResponse.of(before), DeviceResponse.of(after));
        // A pending device gets its desired state from now on.
        return before.lifecycle() != Lifecycle.ACTIVE ? after.customerId() : null;
    }

    /**
     * Monitoring's connectivity changes, in one statement; older news and unknown devices
     * are ignored.
     * @param events the changes
     * @return how many devices changed
     */
    @Transactional
    int connectivity(List<DeviceRequests.ConnectivityEvent> events) {
        return events.isEmpty() ? 0 : devices.updateConnectivity(events);
    }

    private Device change(Tenant tenant, Device before, Device after, long version, String action) {
        if (!devices.update(after, version)) {
            throw Etags.stale();
        }
        audit.record(after.customerId(), tenant, action, ENTITY, after.id().toString(), DeviceResponse.of(before),
                DeviceResponse.of(after));
        // The device's desired state changes with its environment or lifecycle: wake its
        // long-poll.
        notifier.changed(after.customerId());
        return after;
    }

    /**
     * Locks a device of the caller's customer for a change until the transaction ends.
     * @param version the version the caller read, or null when it named none
     * @throws dev.edp.platform.problem.EdpException 404 for another customer's or no
     * device, 412 {@code STALE_VERSION}, 409 {@code DEVICE_DECOMMISSIONED}
     */
    Device lockActive(Tenant tenant, UUID id, Long version) {
        Device device = devices.findForUpdate(id).orElseThrow(() -> NotFound.of(what(id)));
        tenant.requireAccess(device.customerId(), what(id));
        Etags.requireVersion(device.version(), version);
        if (device.lifecycle() == Lifecycle.DECOMMISSIONED) {
            throw decommissioned(id);
        }
        return device;
    }

    private static String defaultName(UUID id) {
        return "device-" + id.toString().substring(0, 8);
    }

    static EdpException decommissioned(UUID id) {
        return DeviceManagementProblem.DEVICE_DECOMMISSIONED
            .exception("Device " + id + " is decommissioned and can no longer change.");
    }

    private static String what(UUID id) {
        return "Device " + id;
    }

}
