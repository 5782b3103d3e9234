package dev.edp.monitoring.live;

import java.util.UUID;

/**
 * A stored live event.
 *
 * @param id the {@code live_event} id, sent as the SSE {@code id}
 * @param customerId its customer, or null for a platform event
 * @param type the SSE {@code event} name
 * @param data the JSON payload, as stored
 * @param txid the transaction that wrote it ({@link Snapshot#includes})
 */
record LiveEvent(long id, UUID customerId, String type, String data, long txid) {
}
