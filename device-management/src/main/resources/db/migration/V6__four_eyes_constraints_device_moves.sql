-- Four-eyes, backed by the database: whatever the code does, an approval by the requester cannot
-- be stored. Subjects (Keycloak user ids) are compared, not display names. The service refuses
-- self-rejection too (403 SELF_APPROVAL), but only approvals change what devices run, so only
-- they are constrained here.
ALTER TABLE promotion ADD CONSTRAINT promotion_four_eyes
    CHECK (status <> 'APPROVED' OR (decided_by_subject IS NOT NULL AND decided_by_subject <> requested_by_subject));

-- A device moved out of STAGING or PRODUCTION into a lower environment would run releases nobody
-- approved for where it really stands, so such a move is a request a second person approves,
-- like a promotion. basis_version is the device's version when it was requested: approving fails
-- once the device changed (moved, overridden, decommissioned) since.
CREATE TABLE device_move (
    id                   UUID          NOT NULL PRIMARY KEY,
    customer_id          UUID          NOT NULL,
    device_id            UUID          NOT NULL REFERENCES device (id),
    from_environment     VARCHAR(16)   NOT NULL CHECK (from_environment IN ('STAGING', 'PRODUCTION')),
    target_environment   VARCHAR(16)   NOT NULL CHECK (target_environment IN ('TESTING', 'STAGING')),
    basis_version        BIGINT        NOT NULL,
    status               VARCHAR(16)   NOT NULL CHECK (status IN ('REQUESTED', 'APPROVED', 'REJECTED')),
    requested_by         VARCHAR(255)  NOT NULL,
    requested_by_subject VARCHAR(255)  NOT NULL,
    requested_at         TIMESTAMPTZ   NOT NULL,
    decided_by           VARCHAR(255),
    decided_by_subject   VARCHAR(255),
    decided_at           TIMESTAMPTZ,
    reason               VARCHAR(1000),
    -- Only downward moves are requests (PRODUCTION -> STAGING/TESTING, STAGING -> TESTING).
    CONSTRAINT device_move_downward CHECK (from_environment = 'PRODUCTION' OR target_environment = 'TESTING'),
    CONSTRAINT device_move_four_eyes
        CHECK (status <> 'APPROVED' OR (decided_by_subject IS NOT NULL AND decided_by_subject <> requested_by_subject))
);
CREATE INDEX device_move_customer_requested_idx ON device_move (customer_id, requested_at DESC, id DESC);
CREATE INDEX device_move_device_idx ON device_move (device_id);
