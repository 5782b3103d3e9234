-- Renewal and the link to device-management.

-- A renewed certificate has no token; it points at the certificate the device presented instead.
ALTER TABLE device_certificate ADD COLUMN renewed_from VARCHAR(40) REFERENCES device_certificate (serial);

-- Outbox: "device X now has certificate Y", written in the transaction that stores the certificate
-- and relayed to device-management (PUT .../internal/devices/{id}/certificate) by a scheduled job.
-- Rows are claimed with FOR UPDATE SKIP LOCKED, so two replicas never send the same row at once.
CREATE TABLE device_certificate_outbox (
    id              BIGSERIAL    NOT NULL PRIMARY KEY,
    device_id       UUID         NOT NULL,
    customer_id     UUID         NOT NULL,
    serial          VARCHAR(40)  NOT NULL,
    not_before      TIMESTAMPTZ  NOT NULL,
    not_after       TIMESTAMPTZ  NOT NULL,
    created_at      TIMESTAMPTZ  NOT NULL,
    attempts        INTEGER      NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ  NOT NULL,
    last_error      VARCHAR(500)
);
CREATE INDEX device_certificate_outbox_due_idx ON device_certificate_outbox (next_attempt_at);
