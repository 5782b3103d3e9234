-- ROLLOUT_PAUSED alerts (device-management's rollout events): the rollout they are about, null for
-- every other alert; the subject is the rollout id as for devices it is the device id.
ALTER TABLE alert ADD COLUMN rollout_id UUID;
ALTER TABLE alert ADD CONSTRAINT alert_rollout_subject
    CHECK ((type = 'ROLLOUT_PAUSED') = (rollout_id IS NOT NULL AND device_id IS NULL));

-- When the condition of an event-driven alert ended by the ending event's own time
-- (DEPLOYMENT_RECOVERED, ROLLOUT_PAUSE_ENDED), as opposed to resolved_at, when monitoring received
-- it: an event of the condition is "older than the end" by this time, so a pause, its end and a new
-- pause relayed in one batch open the new one. Null for other resolutions (resolved_at counts).
ALTER TABLE alert ADD COLUMN condition_ended_at TIMESTAMPTZ;

-- That check looks up the subject's past alerts of the type (the unique index covers open ones only).
CREATE INDEX alert_type_subject ON alert (type, subject);
