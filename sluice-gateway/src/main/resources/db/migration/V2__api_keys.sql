-- Client API keys: only a SHA-256 of each key is stored; the key itself is shown once at creation.
CREATE TABLE api_keys (
    id                  VARCHAR(64) PRIMARY KEY,
    name                VARCHAR(256) NOT NULL,
    tenant              VARCHAR(128) NOT NULL,
    key_hash            VARCHAR(64) NOT NULL,
    key_prefix          VARCHAR(16) NOT NULL,
    created_at          BIGINT NOT NULL,
    revoked_at          BIGINT,
    allowed_models      VARCHAR(4000) NOT NULL,
    requests_per_minute INTEGER NOT NULL,
    tokens_per_minute   INTEGER NOT NULL,
    max_concurrent      INTEGER NOT NULL,
    budget_tokens       BIGINT NOT NULL,
    budget_period       VARCHAR(8) NOT NULL,
    priority            VARCHAR(16) NOT NULL
);
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
