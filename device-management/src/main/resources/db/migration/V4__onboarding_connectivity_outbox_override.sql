-- Certificates from onboarding, connectivity from monitoring, events for monitoring (outbox),
-- per-device release overrides and the audit read endpoint.

-- The rolled-up deployment status of the device's last report: true while any container is in
-- 'reconciliation failed'. Kept so a change (failed / recovered) is noticed exactly once.
ALTER TABLE device ADD COLUMN deployment_failed BOOLEAN NOT NULL DEFAULT FALSE;

-- An operator may pin one device to a release of its customer instead of its environment's pin.
ALTER TABLE device ADD COLUMN release_override_id UUID REFERENCES release (id);

-- Events for monitoring, written in the transaction of the change and relayed by
-- DeviceEventRelay (SELECT ... FOR UPDATE SKIP LOCKED, so replicas share the work without
-- sending a row twice). A row stays until monitoring accepted it; failures back off.
CREATE TABLE device_event_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id       UUID          NOT NULL,
    customer_id     UUID          NOT NULL,
    type            VARCHAR(32)   NOT NULL
        CHECK (type IN ('DEPLOYMENT_FAILED', 'DEPLOYMENT_RECOVERED', 'DECOMMISSIONED')),
    detail          VARCHAR(2000) NOT NULL,
    at              TIMESTAMPTZ   NOT NULL,
    attempts        INT           NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ   NOT NULL,
    last_error      VARCHAR(1000)
);
CREATE INDEX device_event_outbox_due_idx ON device_event_outbox (next_attempt_at, id);

-- The platform admin's audit trail across all customers, newest first.
CREATE INDEX audit_event_at_idx ON audit_event (at DESC, id DESC);
