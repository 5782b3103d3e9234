package dev.edp.monitoring.live;

import java.util.UUID;

/**
 * Which live events a stream shows.
 *
 * @param all every event, platform events included (a platform admin who named no
 * customer)
 * @param customerId otherwise only this customer's events (never platform events)
 */
record Visibility(boolean all, UUID customerId) {

    static Visibility everything() {
        return new Visibility(true, null);
    }

    static Visibility customer(UUID customerId) {
        return new Visibility(false, customerId);
    }

    boolean sees(LiveEvent event) {
        return all || (customerId != null && customerId.equals(event.customerId()));
    }
}
