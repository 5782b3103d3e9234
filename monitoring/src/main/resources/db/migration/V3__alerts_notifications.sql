-- End of the device certificate's validity, from E3's assertion on the heartbeat (null: not known).
ALTER TABLE device_status ADD COLUMN certificate_not_after TIMESTAMPTZ;
-- Alert evaluation: devices whose certificate ends soon, and devices that are offline.
CREATE INDEX device_status_certificate_not_after ON device_status (certificate_not_after)
    WHERE certificate_not_after IS NOT NULL;
CREATE INDEX device_status_offline_since ON device_status (connectivity_changed_at) WHERE connectivity = 'OFFLINE';

-- Devices device-management decommissioned: never tracked again (a buffered heartbeat of any
-- replica that arrives later must not bring the status row back).
CREATE TABLE decommissioned_device (
    device_id         UUID        NOT NULL PRIMARY KEY,
    customer_id       UUID        NOT NULL,
    decommissioned_at TIMESTAMPTZ NOT NULL
);

-- A customer's deviations from the configured alert rule defaults (edp.monitoring.alerts.*).
CREATE TABLE alert_rule_override (
    customer_id UUID        NOT NULL,
    type        VARCHAR(32) NOT NULL,
    enabled     BOOLEAN     NOT NULL,
    threshold   INTEGER,
    updated_at  TIMESTAMPTZ NOT NULL,
    updated_by  VARCHAR(255) NOT NULL,
    PRIMARY KEY (customer_id, type)
);

-- Alerts, open and resolved (history is kept). customer_id is null for platform alerts.
CREATE TABLE alert (
    id              UUID          NOT NULL PRIMARY KEY,
    type            VARCHAR(32)   NOT NULL,
    customer_id     UUID,
    device_id       UUID,
    subject         VARCHAR(300)  NOT NULL,
    detail          VARCHAR(2000) NOT NULL,
    opened_at       TIMESTAMPTZ   NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by VARCHAR(255),
    resolved_at     TIMESTAMPTZ,
    resolution      VARCHAR(2000)
);
-- At most one open alert per condition: what makes opening idempotent across replicas and retries.
CREATE UNIQUE INDEX alert_open_subject ON alert (type, subject) WHERE resolved_at IS NULL;
CREATE INDEX alert_open_device ON alert (device_id) WHERE resolved_at IS NULL;
-- Keyset-paged lists (newest first), per customer and across customers.
CREATE INDEX alert_customer_opened ON alert (customer_id, opened_at, id);
CREATE INDEX alert_opened ON alert (opened_at, id);

-- Where a customer's alerts are sent.
CREATE TABLE notification_channel (
    id          UUID          NOT NULL PRIMARY KEY,
    customer_id UUID          NOT NULL,
    name        VARCHAR(100)  NOT NULL,
    type        VARCHAR(16)   NOT NULL CHECK (type IN ('EMAIL', 'WEBHOOK')),
    emails      TEXT[],
    url         VARCHAR(2000),
    secret      VARCHAR(200),
    created_at  TIMESTAMPTZ   NOT NULL,
    CHECK ((type = 'EMAIL' AND emails IS NOT NULL) OR (type = 'WEBHOOK' AND url IS NOT NULL AND secret IS NOT NULL))
);
CREATE INDEX notification_channel_customer ON notification_channel (customer_id, id);

-- The notification outbox: written in the transaction that opens or resolves the alert, sent by
-- the scheduled sender. channel_id null: the support channel from configuration (platform alerts).
CREATE TABLE notification (
    id              BIGINT        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    alert_id        UUID          NOT NULL REFERENCES alert (id),
    channel_id      UUID          REFERENCES notification_channel (id) ON DELETE CASCADE,
    channel_type    VARCHAR(16)   NOT NULL CHECK (channel_type IN ('EMAIL', 'WEBHOOK')),
    device_id       UUID,
    event           VARCHAR(16)   NOT NULL CHECK (event IN ('OPENED', 'RESOLVED')),
    status          VARCHAR(16)   NOT NULL CHECK (status IN ('PENDING', 'SENT', 'FAILED', 'SUPPRESSED')),
    attempts        INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ   NOT NULL,
    last_error      VARCHAR(2000),
    created_at      TIMESTAMPTZ   NOT NULL,
    sent_at         TIMESTAMPTZ
);
CREATE INDEX notification_due ON notification (next_attempt_at) WHERE status = 'PENDING';
-- The quiet period: the last notified opening per channel and device.
CREATE INDEX notification_quiet ON notification (channel_id, device_id, created_at)
    WHERE event = 'OPENED' AND status <> 'SUPPRESSED';
CREATE INDEX notification_alert ON notification (alert_id, channel_id);
