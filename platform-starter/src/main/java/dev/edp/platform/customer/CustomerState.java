package dev.edp.platform.customer;

/** What the platform knows about the customer a caller acts for. */
public enum CustomerState {

    /** The customer may use the platform. */
    ACTIVE,

    /** The customer was deactivated: its users and devices are refused. */
    DEACTIVATED,

    /**
     * Masterdata does not know the customer (for example the example automation client's
     * fixed {@code customer_id}). Such a caller is not refused here: it is not a
     * deactivated customer, and every service already scopes its data to the caller's
     * customer, of which there is none.
     */
    UNKNOWN

}
