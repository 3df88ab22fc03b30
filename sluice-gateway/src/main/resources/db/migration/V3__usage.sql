-- One row per request: who, what, how much, how fast, how it ended.
CREATE TABLE usage_records (
    id              VARCHAR(64) PRIMARY KEY,
    ts              BIGINT NOT NULL,
    key_id          VARCHAR(64) NOT NULL,
    tenant          VARCHAR(128) NOT NULL,
    model           VARCHAR(256) NOT NULL,
    provider        VARCHAR(128) NOT NULL,
    upstream_model  VARCHAR(256) NOT NULL,
    dialect         VARCHAR(16) NOT NULL,
    stream          INTEGER NOT NULL,
    input_tokens    BIGINT NOT NULL,
    output_tokens   BIGINT NOT NULL,
    cache_read_tokens  BIGINT NOT NULL,
    cache_write_tokens BIGINT NOT NULL,
    latency_ms      BIGINT NOT NULL,
    ttft_ms         BIGINT NOT NULL,
    status          INTEGER NOT NULL,
    outcome         VARCHAR(16) NOT NULL,
    cost_micros     BIGINT NOT NULL
);
CREATE INDEX usage_records_key_ts ON usage_records (key_id, ts);
CREATE INDEX usage_records_tenant_ts ON usage_records (tenant, ts);
CREATE INDEX usage_records_ts ON usage_records (ts);
