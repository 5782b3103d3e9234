-- Latest state per device: one row, upserted in batches by the heartbeat flush.
CREATE TABLE device_status (
    device_id               UUID         NOT NULL PRIMARY KEY,
    customer_id             UUID         NOT NULL,
    connectivity            VARCHAR(16)  NOT NULL CHECK (connectivity IN ('ONLINE', 'OFFLINE')),
    connectivity_changed_at TIMESTAMPTZ  NOT NULL,
    last_seen               TIMESTAMPTZ  NOT NULL,
    uptime_seconds          BIGINT       NOT NULL,
    agent_version           VARCHAR(64)  NOT NULL,
    os_version              VARCHAR(128),
    cpu_load                REAL         NOT NULL,
    memory_used             BIGINT       NOT NULL,
    memory_total            BIGINT       NOT NULL,
    system_disk_used        BIGINT       NOT NULL,
    system_disk_total       BIGINT       NOT NULL,
    container_disk_used     BIGINT       NOT NULL,
    container_disk_total    BIGINT       NOT NULL,
    containers_running      INTEGER      NOT NULL,
    containers_total        INTEGER      NOT NULL
);
-- Keyset-paged list of a customer's devices.
CREATE INDEX device_status_customer ON device_status (customer_id, device_id);
-- The offline sweep: only ONLINE rows are indexed, so the index stays as small as the online fleet.
CREATE INDEX device_status_online_last_seen ON device_status (last_seen) WHERE connectivity = 'ONLINE';

-- Downsampled heartbeat history (at most one row per device and bucket), partitioned by day.
-- The service creates the daily partitions ahead and drops those past the retention.
CREATE TABLE heartbeat_history (
    device_id            UUID         NOT NULL,
    customer_id          UUID         NOT NULL,
    bucket               TIMESTAMPTZ  NOT NULL,
    received_at          TIMESTAMPTZ  NOT NULL,
    uptime_seconds       BIGINT       NOT NULL,
    cpu_load             REAL         NOT NULL,
    memory_used          BIGINT       NOT NULL,
    memory_total         BIGINT       NOT NULL,
    system_disk_used     BIGINT       NOT NULL,
    system_disk_total    BIGINT       NOT NULL,
    container_disk_used  BIGINT       NOT NULL,
    container_disk_total BIGINT       NOT NULL,
    containers_running   INTEGER      NOT NULL,
    containers_total     INTEGER      NOT NULL,
    PRIMARY KEY (device_id, bucket)
) PARTITION BY RANGE (bucket);

-- Connectivity changes: the outbox that device-management, alerts and the live feed read (by id).
CREATE TABLE connectivity_event (
    id          BIGINT       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    device_id   UUID         NOT NULL,
    customer_id UUID         NOT NULL,
    from_state  VARCHAR(16),
    to_state    VARCHAR(16)  NOT NULL,
    at          TIMESTAMPTZ  NOT NULL
);
CREATE INDEX connectivity_event_device ON connectivity_event (device_id, id);

-- Latest reported state per device and container.
CREATE TABLE container_status (
    device_id   UUID          NOT NULL,
    name        VARCHAR(253)  NOT NULL,
    customer_id UUID          NOT NULL,
    image       VARCHAR(512),
    state       VARCHAR(32)   NOT NULL,
    message     VARCHAR(2000),
    reported_at TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (device_id, name)
);
