-- Dead rows in the outbox for monitoring: a row monitoring refused for good (a 4xx other than
-- 401/408/429) or that failed edp.device-management.event-relay-max-attempts times is kept with
-- dead_at and last_error for an operator to look at, but never sent again and not counted as pending.
ALTER TABLE device_event_outbox ADD COLUMN dead_at TIMESTAMPTZ;

DROP INDEX device_event_outbox_due_idx;
CREATE INDEX device_event_outbox_due_idx ON device_event_outbox (next_attempt_at, id) WHERE dead_at IS NULL;
