-- What each device reports it runs: one row per container, replaced as a whole on every report.
CREATE TABLE reported_container (
    device_id  UUID          NOT NULL REFERENCES device (id),
    name       VARCHAR(128)  NOT NULL,
    image      VARCHAR(512),
    state      VARCHAR(32)   NOT NULL
        CHECK (state IN ('reconciling', 'not ready', 'ready', 'reconciliation failed', 'deleting')),
    message    VARCHAR(1000),
    PRIMARY KEY (device_id, name)
);
ALTER TABLE device ADD COLUMN reported_at TIMESTAMPTZ;
ALTER TABLE device ADD COLUMN reported_release_id UUID;
