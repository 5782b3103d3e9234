package dev.edp.devicemanagement.device;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import dev.edp.devicemanagement.events.DeviceEventType;
import dev.edp.devicemanagement.events.DeviceEvents;
import dev.edp.devicemanagement.rollout.RolloutDeviceStatus;
import dev.edp.devicemanagement.rollout.RolloutReports;
import dev.edp.devicemanagement.support.DeviceManagementProblem;
import dev.edp.platform.audit.Clocks;
import dev.edp.platform.device.DevicePrincipal;
import dev.edp.platform.problem.NotFound;
import dev.edp.platform.security.Tenant;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * What devices report they run, the deployment status it rolls up to, and the fleet
 * summary.
 */
@Service
class ReportedStateService {

    private static final String FAILED = "reconciliation failed";

    private final ReportedStateRepository reports;

    private final DeviceService devices;

    private final DeviceEvents events;

    private final RolloutReports rollouts;

    ReportedStateService(ReportedStateRepository reports, DeviceService devices, DeviceEvents events,
            RolloutReports rollouts) {
        this.reports = reports;
        this.devices = devices;
        this.events = events;
        this.rollouts = rollouts;
    }

    /**
     * Stores a device's report (its containers replace the previous ones) under the
     * device's row lock, which orders reports of one device.
     * @throws dev.edp.platform.problem.EdpException 404 for a device not registered for
     * the customer E3 vouched for, 409 {@code DEVICE_DECOMMISSIONED}
     */
    @Transactional
    void report(DevicePrincipal device, ReportedState.Report report) {
        ReportedStateRepository.Locked stored = reports.lock(device.deviceId(), device.customerId())
            .orElseThrow(() -> NotFound.of("Device " + device.deviceId()));
        if (stored.lifecycle() == Lifecycle.DECOMMISSIONED) {
            throw DeviceManagementProblem.DEVICE_DECOMMISSIONED
                .exception("Device " + device.deviceId() + " is decommissioned.");
        }
        Instant now = Clocks.now();
        reports.store(device.deviceId(), report, now);
        rollUp(device, stored, report, now);
        rollout(device, report);
    }

    /**
     * The device's status in the rollouts of the release it reports: FAILED with any
     * container failing reconciliation (the reason names them), READY with every
     * container ready, else RECONCILING.
     */
    private void rollout(DevicePrincipal device, ReportedState.Report report) {
        List<ReportedState.Container> failing = report.containers()
            .stream()
            .filter(container -> FAILED.equals(container.state()))
            .toList();
        boolean ready = !report.containers().isEmpty()
                && report.containers().stream().allMatch(container -> "ready".equals(container.state()));
        RolloutDeviceStatus status = !failing.isEmpty() ? RolloutDeviceStatus.FAILED
                : ready ? RolloutDeviceStatus.READY : RolloutDeviceStatus.RECONCILING;
        rollouts.reported(device.deviceId(), report.releaseId(), status, failing.isEmpty() ? null : describe(failing));
    }

    private static String describe(List<ReportedState.Container> failing) {
        return failing.stream()
            .map(container -> container.name() + (container.message() == null ? "" : " (" + container.message() + ")"))
            .collect(Collectors.joining(", "));
    }

    /**
     * The deployment status rolls up to failed while any container is in
     * {@code reconciliation failed}; a change either way is an event for monitoring, in
     * this transaction (the row lock orders reports).
     */
    private void rollUp(DevicePrincipal device, ReportedStateRepository.Locked stored, ReportedState.Report report,
            Instant now) {
        List<ReportedState.Container> failing = report.containers()
            .stream()
            .filter(container -> FAILED.equals(container.state()))
            .toList();
        boolean failed = !failing.isEmpty();
        if (failed == stored.deploymentFailed()) {
            return;
        }
        reports.deploymentFailed(device.deviceId(), failed);
        String detail = failed
                ? "Reconciliation failed on device " + stored.name() + ": "
                        + failing.stream()
                            .map(container -> container.name()
                                    + (container.message() == null ? "" : " (" + container.message() + ")"))
                            .collect(Collectors.joining(", "))
                : "Device " + stored.name() + " recovered: no container is failing.";
        events.publish(device.deviceId(), device.customerId(),
                failed ? DeviceEventType.DEPLOYMENT_FAILED : DeviceEventType.DEPLOYMENT_RECOVERED, detail, now);
    }

    /**
     * @return the containers a device of the caller's customer last reported
     */
    @Transactional(readOnly = true)
    ReportedState.Response containers(Tenant tenant, UUID id) {
        devices.get(tenant, id);
        return reports.find(id);
    }

    /**
     * @return device counts by environment and connectivity: of the caller's customer, or
     * of any or all for a platform admin
     */
    @Transactional(readOnly = true)
    List<ReportedState.SummaryRow> summary(Tenant tenant, UUID customerId) {
        return reports.summary(tenant.listScope(Optional.ofNullable(customerId)).orElse(null));
    }

}
