package dev.edp.monitoring.health;

import java.time.Instant;

/**
 * One history row: a transition, or a periodic sample of an unchanged state.
 *
 * @param id row id (the cursor is built from it)
 * @param service service
 * @param instance instance id
 * @param url health URL
 * @param up healthy or not
 * @param transition whether the state changed here (false: a periodic sample)
 * @param detail what the check saw
 * @param checkedAt when
 */
record ServiceHealthHistoryEntry(long id, String service, String instance, String url, boolean up, boolean transition,
        String detail, Instant checkedAt) {
}
