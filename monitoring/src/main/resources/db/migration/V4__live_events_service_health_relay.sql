-- The portal's live feed (SSE). Kept for edp.monitoring.live.replay-window so a client that
-- reconnects with Last-Event-ID gets what it missed; the retention job deletes older rows.
-- customer_id null: a platform event (platform admins only).
CREATE TABLE live_event (
    id          BIGSERIAL    PRIMARY KEY,
    customer_id UUID,
    type        VARCHAR(64)  NOT NULL,
    data        JSONB        NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL DEFAULT now()
);
CREATE INDEX live_event_created_at ON live_event (created_at);

-- connectivity_event is read by two relays, each with its own mark so one cannot hold up the other:
-- the live feed (device.online / device.offline) and device-management (HTTP, may be down).
ALTER TABLE connectivity_event ADD COLUMN live_published_at TIMESTAMPTZ;
ALTER TABLE connectivity_event ADD COLUMN relayed_at TIMESTAMPTZ;
-- Rows written before this migration are history: do not replay them to either consumer.
UPDATE connectivity_event SET live_published_at = now(), relayed_at = now();
CREATE INDEX connectivity_event_live_pending ON connectivity_event (id) WHERE live_published_at IS NULL;
CREATE INDEX connectivity_event_relay_pending ON connectivity_event (id) WHERE relayed_at IS NULL;

-- Service health: the latest state per checked instance, and a small history (transitions plus a
-- periodic sample), pruned after edp.monitoring.health.retention.
CREATE TABLE service_health (
    service     VARCHAR(128)  NOT NULL,
    instance    VARCHAR(255)  NOT NULL,
    url         VARCHAR(2000) NOT NULL,
    up          BOOLEAN       NOT NULL,
    detail      VARCHAR(2000),
    since       TIMESTAMPTZ   NOT NULL,
    checked_at  TIMESTAMPTZ   NOT NULL,
    sampled_at  TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (service, instance)
);

CREATE TABLE service_health_history (
    id          BIGINT        GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    service     VARCHAR(128)  NOT NULL,
    instance    VARCHAR(255)  NOT NULL,
    url         VARCHAR(2000) NOT NULL,
    up          BOOLEAN       NOT NULL,
    transition  BOOLEAN       NOT NULL,
    detail      VARCHAR(2000),
    checked_at  TIMESTAMPTZ   NOT NULL
);
-- Keyset pages, newest first, all services or one.
CREATE INDEX service_health_history_service ON service_health_history (service, id);
CREATE INDEX service_health_history_checked_at ON service_health_history (checked_at);
