-- The persistent tier of the response cache: complete answers by canonical request hash.
CREATE TABLE response_cache (
    cache_key   VARCHAR(64) PRIMARY KEY,
    tenant      VARCHAR(128) NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    size_bytes  BIGINT NOT NULL,
    body        ${blob} NOT NULL
);
CREATE INDEX response_cache_expires ON response_cache (expires_at);
CREATE INDEX response_cache_created ON response_cache (created_at);
