-- Server-side conversation history for clients that opt in (x-sluice-session: keep), per tenant.
CREATE TABLE sessions (
    session_key  VARCHAR(64) PRIMARY KEY,
    tenant       VARCHAR(128) NOT NULL,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL
);
CREATE INDEX sessions_last_used ON sessions (last_used_at);
CREATE TABLE session_messages (
    id           VARCHAR(64) PRIMARY KEY,
    session_key  VARCHAR(64) NOT NULL,
    seq          BIGINT NOT NULL,
    role         VARCHAR(16) NOT NULL,
    content_json TEXT NOT NULL,
    tokens       INTEGER NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX session_messages_key_seq ON session_messages (session_key, seq);
CREATE INDEX session_messages_created ON session_messages (created_at);
