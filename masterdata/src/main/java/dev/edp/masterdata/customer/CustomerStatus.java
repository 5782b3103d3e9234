package dev.edp.masterdata.customer;

/** Whether a customer's users and devices may use the platform. */
public enum CustomerStatus {

    /** Normal operation. */
    ACTIVE,
    /** Its users cannot log in and the services refuse its devices' and users' calls. */
    DEACTIVATED

}
