-- The embedded CA, onboarding tokens, issued device certificates and the published CRL.

-- CA material: certificates and the CA private keys ENCRYPTED with the key-encryption key
-- (edp.pki.kek / EDP_PKI_KEK), which is never stored here. One row per CA slot ('default').
CREATE TABLE ca_material (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    chain_pem   TEXT        NOT NULL,
    issuing_key BYTEA       NOT NULL,
    root_key    BYTEA,
    source      VARCHAR(16) NOT NULL CHECK (source IN ('GENERATED', 'IMPORTED')),
    created_at  TIMESTAMPTZ NOT NULL
);

-- Onboarding tokens: only the SHA-256 of the secret is kept. The device id is assigned here, when
-- the token is created, and becomes the certificate subject at enrollment.
CREATE TABLE onboarding_token (
    id             UUID         NOT NULL PRIMARY KEY,
    token_hash     BYTEA        NOT NULL,
    customer_id    UUID         NOT NULL,
    device_id      UUID         NOT NULL,
    device_name    VARCHAR(200),
    environment    VARCHAR(16)  CHECK (environment IN ('TESTING', 'STAGING', 'PRODUCTION')),
    machine_id     UUID,
    status         VARCHAR(16)  NOT NULL CHECK (status IN ('ACTIVE', 'USED', 'REVOKED')),
    expires_at     TIMESTAMPTZ  NOT NULL,
    created_at     TIMESTAMPTZ  NOT NULL,
    created_by     VARCHAR(255) NOT NULL,
    used_at        TIMESTAMPTZ,
    revoked_at     TIMESTAMPTZ,
    revoked_by     VARCHAR(255),
    CONSTRAINT onboarding_token_hash_key UNIQUE (token_hash),
    CONSTRAINT onboarding_token_device_key UNIQUE (device_id)
);
-- Lists, newest first, per customer and across customers (platform admin).
CREATE INDEX onboarding_token_customer_created_idx ON onboarding_token (customer_id, created_at, id);
CREATE INDEX onboarding_token_created_idx ON onboarding_token (created_at, id);

CREATE TABLE device_certificate (
    serial            VARCHAR(40)  NOT NULL PRIMARY KEY, -- lowercase hex, no leading zeros
    device_id         UUID         NOT NULL,
    customer_id       UUID         NOT NULL,
    token_id          UUID         REFERENCES onboarding_token (id),
    not_before        TIMESTAMPTZ  NOT NULL,
    not_after         TIMESTAMPTZ  NOT NULL,
    status            VARCHAR(16)  NOT NULL CHECK (status IN ('VALID', 'REVOKED')),
    revoked_at        TIMESTAMPTZ,
    reason            VARCHAR(32),
    revoked_by        VARCHAR(255),
    certificate_pem   TEXT         NOT NULL,
    public_key_sha256 VARCHAR(64)  NOT NULL,
    issued_at         TIMESTAMPTZ  NOT NULL
);
CREATE INDEX device_certificate_device_idx ON device_certificate (device_id);
CREATE INDEX device_certificate_token_idx ON device_certificate (token_id);
CREATE INDEX device_certificate_revoked_idx ON device_certificate (not_after) WHERE status = 'REVOKED';

-- CRL numbers increase across replicas and restarts.
CREATE SEQUENCE crl_number_seq START WITH 1;

-- The current CRL (one row), rebuilt on every revocation and before nextUpdate.
CREATE TABLE crl (
    id          SMALLINT    NOT NULL PRIMARY KEY CHECK (id = 1),
    crl_number  BIGINT      NOT NULL,
    der         BYTEA       NOT NULL,
    this_update TIMESTAMPTZ NOT NULL,
    next_update TIMESTAMPTZ NOT NULL
);
