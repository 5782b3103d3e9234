-- Browser sessions of the portal (backend-for-frontend). A row holds one serialized session,
-- including the user's OAuth2 tokens, which never reach the browser.
CREATE TABLE web_session (
    id          VARCHAR(64) PRIMARY KEY,
    expires_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    data        BYTEA       NOT NULL
);

CREATE INDEX web_session_expires_at ON web_session (expires_at);
