-- The device registry, deployments (applications, releases, environment pins), four-eyes
-- promotions and the audit trail. Customers live in masterdata: customer_id is not a foreign key.

CREATE TABLE device (
    id                    UUID         NOT NULL PRIMARY KEY,
    customer_id           UUID         NOT NULL,
    name                  VARCHAR(200) NOT NULL,
    environment           VARCHAR(16)  NOT NULL CHECK (environment IN ('TESTING', 'STAGING', 'PRODUCTION')),
    machine_id            UUID,
    labels                JSONB        NOT NULL DEFAULT '{}'::jsonb,
    lifecycle             VARCHAR(24)  NOT NULL
        CHECK (lifecycle IN ('PENDING_ONBOARDING', 'ACTIVE', 'DECOMMISSIONED')),
    certificate_serial    VARCHAR(64),
    certificate_not_after TIMESTAMPTZ,
    agent_version         VARCHAR(64),
    os_version            VARCHAR(128),
    connectivity          VARCHAR(16)  NOT NULL DEFAULT 'UNKNOWN'
        CHECK (connectivity IN ('ONLINE', 'OFFLINE', 'UNKNOWN')),
    connectivity_since    TIMESTAMPTZ,
    version               BIGINT       NOT NULL,
    created_at            TIMESTAMPTZ  NOT NULL,
    created_by            VARCHAR(255) NOT NULL,
    updated_at            TIMESTAMPTZ  NOT NULL,
    updated_by            VARCHAR(255) NOT NULL
);
-- A customer's list in keyset order (WHERE customer_id = ? AND (name, id) > (?, ?) ORDER BY name, id);
-- environment/lifecycle/connectivity are few-valued and filtered on the rows this index yields.
CREATE INDEX device_customer_name_idx ON device (customer_id, name, id);
CREATE INDEX device_customer_created_idx ON device (customer_id, created_at, id);
-- The platform admin's list across all customers.
CREATE INDEX device_name_idx ON device (name, id);
CREATE INDEX device_created_idx ON device (created_at, id);
-- machineId filter, and "which device is on this machine".
CREATE INDEX device_machine_idx ON device (machine_id) WHERE machine_id IS NOT NULL;
-- label=key:value filters (labels @> '{"key":"value"}').
CREATE INDEX device_labels_idx ON device USING gin (labels jsonb_path_ops);

CREATE TABLE application (
    id               UUID         NOT NULL PRIMARY KEY,
    customer_id      UUID         NOT NULL,
    name             VARCHAR(100) NOT NULL,
    image_repository VARCHAR(255) NOT NULL,
    ports            JSONB        NOT NULL DEFAULT '[]'::jsonb,
    env              JSONB        NOT NULL DEFAULT '{}'::jsonb,
    volumes          JSONB        NOT NULL DEFAULT '[]'::jsonb,
    restart_policy   VARCHAR(16)  NOT NULL,
    version          BIGINT       NOT NULL,
    created_at       TIMESTAMPTZ  NOT NULL,
    created_by       VARCHAR(255) NOT NULL,
    updated_at       TIMESTAMPTZ  NOT NULL,
    updated_by       VARCHAR(255) NOT NULL,
    CONSTRAINT application_name_key UNIQUE (customer_id, name)
);

-- A release is immutable: its containers are a JSON snapshot taken when it is created.
CREATE TABLE release (
    id          UUID         NOT NULL PRIMARY KEY,
    customer_id UUID         NOT NULL,
    name        VARCHAR(100) NOT NULL,
    containers  JSONB        NOT NULL,
    created_at  TIMESTAMPTZ  NOT NULL,
    created_by  VARCHAR(255) NOT NULL,
    CONSTRAINT release_name_key UNIQUE (customer_id, name)
);
CREATE INDEX release_customer_created_idx ON release (customer_id, created_at DESC, id DESC);
CREATE FUNCTION release_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'releases are immutable';
END $$;
CREATE TRIGGER release_no_update BEFORE UPDATE ON release FOR EACH ROW EXECUTE FUNCTION release_immutable();

-- The release each environment of a customer runs. revision counts changes, so a promotion can
-- tell whether the pin it was based on changed since it was requested.
CREATE TABLE environment_pin (
    customer_id UUID         NOT NULL,
    environment VARCHAR(16)  NOT NULL CHECK (environment IN ('TESTING', 'STAGING', 'PRODUCTION')),
    release_id  UUID         NOT NULL REFERENCES release (id),
    revision    BIGINT       NOT NULL,
    pinned_at   TIMESTAMPTZ  NOT NULL,
    pinned_by   VARCHAR(255) NOT NULL,
    PRIMARY KEY (customer_id, environment)
);

CREATE TABLE promotion (
    id                   UUID         NOT NULL PRIMARY KEY,
    customer_id          UUID         NOT NULL,
    target_environment   VARCHAR(16)  NOT NULL CHECK (target_environment IN ('STAGING', 'PRODUCTION')),
    -- The pin the request was based on: the source environment's, or the target's for a rollback.
    basis_environment    VARCHAR(16)  NOT NULL,
    basis_revision       BIGINT       NOT NULL,
    release_id           UUID         NOT NULL REFERENCES release (id),
    rollback             BOOLEAN      NOT NULL,
    status               VARCHAR(16)  NOT NULL CHECK (status IN ('REQUESTED', 'APPROVED', 'REJECTED')),
    requested_by         VARCHAR(255) NOT NULL,
    requested_by_subject VARCHAR(255) NOT NULL,
    requested_at         TIMESTAMPTZ  NOT NULL,
    decided_by           VARCHAR(255),
    decided_by_subject   VARCHAR(255),
    decided_at           TIMESTAMPTZ,
    reason               VARCHAR(1000)
);
CREATE INDEX promotion_customer_requested_idx ON promotion (customer_id, requested_at DESC, id DESC);

CREATE TABLE audit_event (
    id            UUID         NOT NULL PRIMARY KEY,
    customer_id   UUID         NOT NULL,
    actor         VARCHAR(255) NOT NULL,
    actor_subject VARCHAR(255) NOT NULL,
    action        VARCHAR(64)  NOT NULL,
    entity_type   VARCHAR(32)  NOT NULL,
    entity_id     VARCHAR(64)  NOT NULL,
    at            TIMESTAMPTZ  NOT NULL,
    before        JSONB,
    after         JSONB
);
CREATE INDEX audit_event_customer_at_idx ON audit_event (customer_id, at DESC, id DESC);
