package dev.edp.monitoring.alert;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import dev.edp.monitoring.ingest.ReportBuffer;
import dev.edp.monitoring.live.LiveEvents;
import dev.edp.monitoring.notification.NotificationOutbox;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Opens and resolves alerts. Every change writes its notifications into the outbox and
 * its live feed event in the same transaction.
 */
@Service
class AlertService {

    /** What one transaction opened and resolved. */
    record Changes(List<AlertResponse> opened, List<AlertResponse> resolved) {

        static Changes none() {
            return new Changes(new ArrayList<>(), new ArrayList<>());
        }

        boolean isEmpty() {
            return opened.isEmpty() && resolved.isEmpty();
        }
    }

    private final AlertRepository alerts;

    private final AlertRules rules;

    private final AlertProperties properties;

    private final NotificationOutbox outbox;

    private final ObjectProvider<LiveEvents> live;

    private final ReportBuffer buffer;

    private final TransactionTemplate transactions;

    private final Clock clock;

    AlertService(AlertRepository alerts, AlertRules rules, AlertProperties properties, NotificationOutbox outbox,
            ObjectProvider<LiveEvents> live, ReportBuffer buffer, TransactionTemplate transactions, Clock clock) {
        this.alerts = alerts;
        this.rules = rules;
        this.properties = properties;
        this.outbox = outbox;
        this.live = live;
        this.buffer = buffer;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * The device rules over the status table, set-based; run by one replica at a time.
     */
    Changes evaluate() {
        Instant now = clock.instant();
        return inTransaction(() -> {
            Changes changes = Changes.none();
            alerts.removeDecommissionedStatus();
            for (AlertType type : List.of(AlertType.DEVICE_OFFLINE, AlertType.DISK_FULL,
                    AlertType.CERTIFICATE_EXPIRING)) {
                boolean enabled = properties.enabledByDefault(type);
                Integer threshold = properties.defaultThreshold(type);
                changes.resolved().addAll(alerts.resolveDeviceAlerts(type, enabled, threshold, now));
                changes.opened().addAll(alerts.openDeviceAlerts(type, enabled, threshold, now));
            }
            for (AlertType type : List.of(AlertType.DEPLOYMENT_FAILED, AlertType.ROLLOUT_PAUSED)) {
                changes.resolved().addAll(alerts.resolveDisabled(type, properties.enabledByDefault(type), now));
            }
            return changes;
        });
    }

    /**
     * Applies device-management's device and rollout events in the order they happened,
     * in one transaction.
     */
    Changes deviceEvents(List<DeviceEventsRequest.Event> events) {
        Instant now = clock.instant();
        List<DeviceEventsRequest.Event> ordered = events.stream()
            .sorted(Comparator.comparing(DeviceEventsRequest.Event::at))
            .toList();
        Map<UUID, UUID> decommissioned = new LinkedHashMap<>();
        Changes result = inTransaction(() -> {
            Changes changes = Changes.none();
            Set<UUID> deploymentRuleOn = ruleOn(ordered, DeviceEventsRequest.Type.DEPLOYMENT_FAILED,
                    AlertType.DEPLOYMENT_FAILED);
            Set<UUID> rolloutRuleOn = ruleOn(ordered, DeviceEventsRequest.Type.ROLLOUT_PAUSED,
                    AlertType.ROLLOUT_PAUSED);
            for (DeviceEventsRequest.Event event : ordered) {
                String subject = event.subject();
                switch (event.type()) {
                    case DEPLOYMENT_FAILED -> {
                        if (!decommissioned.containsKey(event.deviceId())
                                && deploymentRuleOn.contains(event.customerId())) {
                            alerts
                                .openUnlessResolvedSince(AlertType.DEPLOYMENT_FAILED, event.customerId(),
                                        event.deviceId(), null, subject, detail(event, "Deployment failed"), event.at(),
                                        now)
                                .ifPresent(changes.opened()::add);
                        }
                    }
                    case DEPLOYMENT_RECOVERED ->
                        alerts
                            .resolveEnded(AlertType.DEPLOYMENT_FAILED, null, subject,
                                    detail(event, "Deployment recovered"), event.at(), now)
                            .ifPresent(changes.resolved()::add);
                    case DECOMMISSIONED -> decommissioned.put(event.deviceId(), event.customerId());
                    case ROLLOUT_PAUSED -> {
                        if (rolloutRuleOn.contains(event.customerId())) {
                            alerts
                                .openUnlessResolvedSince(AlertType.ROLLOUT_PAUSED, event.customerId(), null,
                                        event.rolloutId(), subject, detail(event, "Rollout paused"), event.at(), now)
                                .ifPresent(changes.opened()::add);
                        }
                    }
                    // Only the customer's own rollout: the subject is unique, but the
                    // customer must fit too.
                    case ROLLOUT_PAUSE_ENDED -> alerts
                        .resolveEnded(AlertType.ROLLOUT_PAUSED, event.customerId(), subject,
                                detail(event, "Rollout no longer paused"), event.at(), now)
                        .ifPresent(changes.resolved()::add);
                }
            }
            if (!decommissioned.isEmpty()) {
                alerts.forgetDevices(decommissioned, now);
                changes.resolved().addAll(alerts.resolveDevices(decommissioned.keySet(), "Device decommissioned", now));
            }
            return changes;
        });
        // This replica's buffer; the writer skips decommissioned devices for the other
        // replicas' buffers.
        decommissioned.keySet().forEach(buffer::forget);
        return result;
    }

    /** A platform service instance went down or came back. */
    Changes serviceHealth(String service, String instance, boolean up, String detail, Instant at) {
        if (!up && !properties.enabledByDefault(AlertType.SERVICE_DOWN)) {
            return Changes.none();
        }
        String subject = service + "/" + instance;
        Instant now = clock.instant();
        return inTransaction(() -> {
            Changes changes = Changes.none();
            if (up) {
                alerts.resolve(AlertType.SERVICE_DOWN, subject, detail == null ? "Healthy again" : detail, now)
                    .ifPresent(changes.resolved()::add);
            }
            else {
                alerts
                    .open(AlertType.SERVICE_DOWN, null, null, subject,
                            "Service " + service + " instance " + instance + " is unhealthy"
                                    + (detail == null || detail.isBlank() ? "" : ": " + detail) + " (seen " + at + ")",
                            now)
                    .ifPresent(changes.opened()::add);
            }
            return changes;
        });
    }

    /**
     * The customers among those of the events of the type whose rule is on, in one query.
     */
    private Set<UUID> ruleOn(List<DeviceEventsRequest.Event> events, DeviceEventsRequest.Type type, AlertType rule) {
        return rules.enabledFor(events.stream()
            .filter(event -> event.type() == type)
            .map(DeviceEventsRequest.Event::customerId)
            .collect(Collectors.toSet()), rule);
    }

    private static String detail(DeviceEventsRequest.Event event, String fallback) {
        return event.detail() == null || event.detail().isBlank() ? fallback : event.detail();
    }

    private Changes inTransaction(Supplier<Changes> work) {
        return transactions.execute(status -> {
            alerts.lockAlertChanges();
            Changes made = work.get();
            outbox.enqueue(made.opened().stream().map(AlertService::notifiable).toList(),
                    made.resolved().stream().map(AlertService::notifiable).toList(), clock.instant());
            publish(made);
            return made;
        });
    }

    private static NotificationOutbox.Alert notifiable(AlertResponse alert) {
        return new NotificationOutbox.Alert(alert.id(), alert.customerId(), alert.deviceId());
    }

    /**
     * In the same transaction: the live feed's store announces an event only when it
     * commits, so the feed never shows an alert change that rolled back, and a crash
     * loses none that committed.
     */
    private void publish(Changes changes) {
        LiveEvents feed = live.getIfAvailable();
        if (feed == null) {
            return;
        }
        changes.opened().forEach(alert -> feed.publish(alert.customerId(), "alert.opened", alert));
        changes.resolved().forEach(alert -> feed.publish(alert.customerId(), "alert.resolved", alert));
    }

}
