package dev.edp.monitoring.live;

import java.util.UUID;

/**
 * The live event feed of the portal (Server-Sent Events): device status changes and
 * alerts, each visible only to its customer (and to platform admins).
 */
public interface LiveEvents {

    /**
     * Records an event for the feed; it reaches connected clients of every replica and
     * stays available for reconnects ({@code Last-Event-ID}) for a while.
     * @param customerId the customer the event belongs to, or null for a platform event
     * (platform admins only)
     * @param type the event type, e.g. {@code device.offline}, {@code alert.opened}
     * @param data the payload, serialised as JSON
     */
    void publish(UUID customerId, String type, Object data);

}
