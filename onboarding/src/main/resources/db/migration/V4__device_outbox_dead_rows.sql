-- Dead rows in the device-management outbox: a row device-management refused for good (a 4xx other
-- than 401/408/429) or that failed edp.onboarding.device-outbox.max-attempts times is kept with dead_at
-- and last_error for an operator to look at, but never sent again and not counted as pending.
ALTER TABLE device_certificate_outbox ADD COLUMN dead_at TIMESTAMPTZ;

DROP INDEX device_certificate_outbox_due_idx;
CREATE INDEX device_certificate_outbox_due_idx ON device_certificate_outbox (next_attempt_at) WHERE dead_at IS NULL;
