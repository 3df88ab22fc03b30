-- usage_records.id was the PRIMARY KEY. It is the request id, which a client may choose (x-request-id, up
-- to 128 characters) and repeat: a repeated id failed its whole batch, and the writer retried that batch
-- for ever while newer records were dropped. And a random key makes every insert land on a random page of
-- a unique index that grows with the table, so writing slowed down as the table grew (24.6 µs of writer
-- CPU per record at 0.5M rows, 36.3 µs at 3M; docs/benchmarks.md). Nothing looks a row up by id: the
-- table is appended to, read by key or tenant and time, and deleted by time. So the id is kept, neither
-- unique nor indexed, and wide enough for any id Sluice accepts.
CREATE TABLE usage_records_v8 (
    id              VARCHAR(128) NOT NULL,
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
INSERT INTO usage_records_v8 (id, ts, key_id, tenant, model, provider, upstream_model, dialect, stream,
    input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, latency_ms, ttft_ms, status, outcome,
    cost_micros)
SELECT id, ts, key_id, tenant, model, provider, upstream_model, dialect, stream, input_tokens, output_tokens,
    cache_read_tokens, cache_write_tokens, latency_ms, ttft_ms, status, outcome, cost_micros
FROM usage_records ORDER BY ts;
DROP TABLE usage_records;
ALTER TABLE usage_records_v8 RENAME TO usage_records;
CREATE INDEX usage_records_key_ts ON usage_records (key_id, ts);
CREATE INDEX usage_records_tenant_ts ON usage_records (tenant, ts);
CREATE INDEX usage_records_ts ON usage_records (ts);
