-- Customers (tenants), their machines, and the audit trail of every change.
-- Users are not here: they live in Keycloak (see the user package).

CREATE TABLE customer (
    id            UUID         NOT NULL PRIMARY KEY,
    name          VARCHAR(200) NOT NULL,
    code          VARCHAR(32)  NOT NULL,
    contact_email VARCHAR(254) NOT NULL,
    status        VARCHAR(16)  NOT NULL CHECK (status IN ('ACTIVE', 'DEACTIVATED')),
    version       BIGINT       NOT NULL,
    created_at    TIMESTAMPTZ  NOT NULL,
    created_by    VARCHAR(255) NOT NULL,
    updated_at    TIMESTAMPTZ  NOT NULL,
    updated_by    VARCHAR(255) NOT NULL,
    -- Codes appear in URLs and are compared as typed; the API accepts lower case only.
    CONSTRAINT customer_code_key UNIQUE (code)
);
-- Keyset order of the customer list (sort=name|createdAt, id as tie-breaker).
CREATE INDEX customer_name_idx ON customer (name, id);
CREATE INDEX customer_created_idx ON customer (created_at, id);

CREATE TABLE machine (
    id                UUID         NOT NULL PRIMARY KEY,
    customer_id       UUID         NOT NULL REFERENCES customer (id),
    name              VARCHAR(200) NOT NULL,
    type              VARCHAR(32)  NOT NULL
        CHECK (type IN ('INJECTION_MOULDING', 'CNC', 'ASSEMBLY', 'OTHER')),
    manufacturer      VARCHAR(200),
    model             VARCHAR(200),
    serial_number     VARCHAR(100) NOT NULL,
    site              VARCHAR(200),
    location          VARCHAR(200),
    commissioning_date DATE,
    labels            JSONB        NOT NULL DEFAULT '{}'::jsonb,
    version           BIGINT       NOT NULL,
    created_at        TIMESTAMPTZ  NOT NULL,
    created_by        VARCHAR(255) NOT NULL,
    updated_at        TIMESTAMPTZ  NOT NULL,
    updated_by        VARCHAR(255) NOT NULL,
    CONSTRAINT machine_serial_key UNIQUE (customer_id, serial_number)
);
-- A customer's list in keyset order: WHERE customer_id = ? AND (name, id) > (?, ?) ORDER BY name, id.
CREATE INDEX machine_customer_name_idx ON machine (customer_id, name, id);
CREATE INDEX machine_customer_created_idx ON machine (customer_id, created_at, id);
-- The platform admin's list across all customers.
CREATE INDEX machine_name_idx ON machine (name, id);
CREATE INDEX machine_created_idx ON machine (created_at, id);
-- label=key:value filters (labels @> '{"key":"value"}').
CREATE INDEX machine_labels_idx ON machine USING gin (labels jsonb_path_ops);

CREATE TABLE audit_event (
    id            UUID         NOT NULL PRIMARY KEY,
    customer_id   UUID         NOT NULL REFERENCES customer (id),
    actor         VARCHAR(255) NOT NULL,
    actor_subject VARCHAR(255) NOT NULL,
    action        VARCHAR(64)  NOT NULL,
    entity_type   VARCHAR(32)  NOT NULL,
    entity_id     VARCHAR(64)  NOT NULL,
    at            TIMESTAMPTZ  NOT NULL,
    before        JSONB,
    after         JSONB
);
-- A customer's trail, newest first: WHERE customer_id = ? AND (at, id) < (?, ?) ORDER BY at DESC, id DESC.
CREATE INDEX audit_event_customer_at_idx ON audit_event (customer_id, at DESC, id DESC);
