package dev.edp.monitoring.alert;

import java.time.Duration;
import java.util.Set;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code edp.monitoring.alerts.*}: the rule defaults every customer gets unless they
 * override them.
 *
 * @param evaluateInterval how often one replica (ShedLock) evaluates the device rules
 * @param deviceOfflineMinutes offline longer than this opens {@code DEVICE_OFFLINE}
 * @param diskFullPercent container partition fuller than this opens {@code DISK_FULL}
 * @param certificateExpiringDays certificate ending within this opens
 * {@code CERTIFICATE_EXPIRING}
 * @param disabled rule types that are off unless a customer turns them on
 * ({@code SERVICE_DOWN}: off for the platform)
 * @param retention resolved alerts (with their notifications) resolved longer ago than
 * this are deleted
 */
@ConfigurationProperties("edp.monitoring.alerts")
public record AlertProperties(@DefaultValue("5s") Duration evaluateInterval,
        @DefaultValue("5") int deviceOfflineMinutes, @DefaultValue("90") int diskFullPercent,
        @DefaultValue("7") int certificateExpiringDays, Set<AlertType> disabled,
        @DefaultValue("90d") Duration retention) {

    /** No rule is off unless configured. */
    public AlertProperties {
        disabled = disabled == null ? Set.of() : Set.copyOf(disabled);
    }

    /**
     * @param type a rule
     * @return its default threshold, or null when it has none
     */
    Integer defaultThreshold(AlertType type) {
        return switch (type) {
            case DEVICE_OFFLINE -> deviceOfflineMinutes;
            case DISK_FULL -> diskFullPercent;
            case CERTIFICATE_EXPIRING -> certificateExpiringDays;
            default -> null;
        };
    }

    /**
     * @param type a rule
     * @return whether it is on by default
     */
    boolean enabledByDefault(AlertType type) {
        return !disabled.contains(type);
    }
}
