-- Phased rollouts (issue 17): a release taken to the devices of one environment in groups,
-- decided by RolloutScheduler. Invariants the code relies on are constraints here.

CREATE TABLE rollout (
    id                  UUID          NOT NULL PRIMARY KEY,
    customer_id         UUID          NOT NULL,
    release_id          UUID          NOT NULL REFERENCES release (id),
    -- The environment's pin when the rollout started: what a rollback returns to.
    previous_release_id UUID          REFERENCES release (id),
    environment         VARCHAR(16)   NOT NULL CHECK (environment IN ('TESTING', 'STAGING', 'PRODUCTION')),
    selector            JSONB         NOT NULL DEFAULT '{}'::jsonb,
    advance             VARCHAR(8)    NOT NULL CHECK (advance IN ('AUTO', 'MANUAL')),
    success_threshold   INT           NOT NULL CHECK (success_threshold BETWEEN 1 AND 100),
    error_threshold     INT           NOT NULL CHECK (error_threshold BETWEEN 0 AND 100),
    group_timeout       VARCHAR(32)   NOT NULL,
    status              VARCHAR(16)   NOT NULL
        CHECK (status IN ('RUNNING', 'WAITING', 'PAUSED', 'SUCCEEDED', 'CANCELLED', 'ROLLED_BACK')),
    pause_reason        VARCHAR(1000),
    promotion_id        UUID          REFERENCES promotion (id),
    rollback_of         UUID          REFERENCES rollout (id),
    total               INT           NOT NULL CHECK (total >= 0),
    excluded            INT           NOT NULL CHECK (excluded >= 0),
    active_group        INT,
    version             BIGINT        NOT NULL,
    created_at          TIMESTAMPTZ   NOT NULL,
    created_by          VARCHAR(255)  NOT NULL,
    updated_at          TIMESTAMPTZ   NOT NULL,
    updated_by          VARCHAR(255)  NOT NULL
);
-- At most one unfinished rollout per customer and environment, whatever the code does.
CREATE UNIQUE INDEX rollout_one_open_idx ON rollout (customer_id, environment)
    WHERE status IN ('RUNNING', 'WAITING', 'PAUSED');
CREATE INDEX rollout_customer_created_idx ON rollout (customer_id, created_at DESC, id DESC);
CREATE INDEX rollout_created_idx ON rollout (created_at DESC, id DESC);
-- The scheduler's pass reads only running rollouts.
CREATE INDEX rollout_running_idx ON rollout (id) WHERE status = 'RUNNING';

CREATE TABLE rollout_group (
    rollout_id        UUID         NOT NULL REFERENCES rollout (id),
    group_index       INT          NOT NULL CHECK (group_index BETWEEN 0 AND 9),
    size              VARCHAR(8)   NOT NULL,
    planned_size      INT          NOT NULL CHECK (planned_size >= 0),
    success_threshold INT          NOT NULL CHECK (success_threshold BETWEEN 1 AND 100),
    error_threshold   INT          NOT NULL CHECK (error_threshold BETWEEN 0 AND 100),
    timeout           VARCHAR(32)  NOT NULL,
    timeout_seconds   BIGINT       NOT NULL CHECK (timeout_seconds BETWEEN 60 AND 604800),
    status            VARCHAR(16)  NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'SUCCEEDED', 'FAILED')),
    started_at        TIMESTAMPTZ,
    -- When the group's undecided devices time out: start (or resume) + timeout.
    deadline_at       TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ,
    PRIMARY KEY (rollout_id, group_index),
    CONSTRAINT rollout_group_started CHECK (status = 'PENDING' OR (started_at IS NOT NULL AND deadline_at IS NOT NULL))
);

CREATE TABLE rollout_device (
    rollout_id   UUID          NOT NULL REFERENCES rollout (id),
    device_id    UUID          NOT NULL REFERENCES device (id),
    group_index  INT           NOT NULL,
    position     INT           NOT NULL,
    status       VARCHAR(16)   NOT NULL
        CHECK (status IN ('PENDING', 'ASSIGNED', 'RECONCILING', 'READY', 'FAILED', 'TIMED_OUT')),
    reason       VARCHAR(2000),
    delivered_at TIMESTAMPTZ,
    updated_at   TIMESTAMPTZ   NOT NULL,
    PRIMARY KEY (rollout_id, device_id),
    FOREIGN KEY (rollout_id, group_index) REFERENCES rollout_group (rollout_id, group_index)
);
-- The desired-state lookup and the reported-state update go by device.
CREATE INDEX rollout_device_device_idx ON rollout_device (device_id);
-- The scheduler's timeouts and counts, and a group's start, go by group.
CREATE INDEX rollout_device_group_idx ON rollout_device (rollout_id, group_index, status);

CREATE TABLE rollout_device_event (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rollout_id UUID          NOT NULL,
    device_id  UUID          NOT NULL,
    status     VARCHAR(16)   NOT NULL,
    reason     VARCHAR(2000),
    at         TIMESTAMPTZ   NOT NULL,
    FOREIGN KEY (rollout_id, device_id) REFERENCES rollout_device (rollout_id, device_id)
);
CREATE INDEX rollout_device_event_device_idx ON rollout_device_event (rollout_id, device_id, id);

-- A promotion into STAGING/PRODUCTION may carry a rollout plan: approving it starts that rollout.
ALTER TABLE promotion ADD COLUMN rollout_plan JSONB;
ALTER TABLE promotion ADD COLUMN rollout_id UUID REFERENCES rollout (id);
ALTER TABLE rollout ADD CONSTRAINT rollout_promotion_key UNIQUE (promotion_id);

-- Rollout events for monitoring share the outbox: exactly one of device_id / rollout_id.
ALTER TABLE device_event_outbox ADD COLUMN rollout_id UUID;
ALTER TABLE device_event_outbox ALTER COLUMN device_id DROP NOT NULL;
ALTER TABLE device_event_outbox ADD CONSTRAINT device_event_outbox_subject
    CHECK ((device_id IS NULL) <> (rollout_id IS NULL));
ALTER TABLE device_event_outbox DROP CONSTRAINT device_event_outbox_type_check;
ALTER TABLE device_event_outbox ADD CONSTRAINT device_event_outbox_type_check
    CHECK (type IN ('DEPLOYMENT_FAILED', 'DEPLOYMENT_RECOVERED', 'DECOMMISSIONED', 'ROLLOUT_PAUSED',
                    'ROLLOUT_PAUSE_ENDED'));
