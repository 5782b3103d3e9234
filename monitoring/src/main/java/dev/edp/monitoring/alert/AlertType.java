package dev.edp.monitoring.alert;

/** What an alert is about; the customer rules are all but {@link #SERVICE_DOWN}. */
public enum AlertType {

    /** A device has been offline longer than the threshold (minutes). */
    DEVICE_OFFLINE("MINUTES", 0, 10_080),
    /** A device's container partition is fuller than the threshold (percent). */
    DISK_FULL("PERCENT", 1, 100),
    /** A device's certificate expires within the threshold (days). */
    CERTIFICATE_EXPIRING("DAYS", 1, 365),
    /** device-management reported a deployment in {@code reconciliation failed}. */
    DEPLOYMENT_FAILED(null, 0, 0),
    /**
     * device-management paused a rollout (error threshold, or an operator); subject: the
     * rollout.
     */
    ROLLOUT_PAUSED(null, 0, 0),
    /** A platform service instance is unhealthy (platform alert, no customer). */
    SERVICE_DOWN(null, 0, 0);

    private final String unit;

    private final int min;

    private final int max;

    AlertType(String unit, int min, int max) {
        this.unit = unit;
        this.min = min;
        this.max = max;
    }

    /**
     * @return the unit of the rule's threshold, or null when the rule has none
     */
    public String unit() {
        return unit;
    }

    int min() {
        return min;
    }

    int max() {
        return max;
    }

    /**
     * @return whether customers configure this rule
     */
    boolean customerRule() {
        return this != SERVICE_DOWN;
    }

}
