-- Responses API answers kept for previous_response_id and GET/DELETE /v1/responses/{id}, per tenant.
-- input_json: every input item of the conversation up to this response (previous responses resolved);
-- response_json: the response object as the client got it. Bounded by responses.max-age, max-rows, max-size.
CREATE TABLE stored_responses (
    id            VARCHAR(64) NOT NULL,
    tenant        VARCHAR(128) NOT NULL,
    created_at    BIGINT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    input_json    TEXT NOT NULL,
    response_json TEXT NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX stored_responses_created ON stored_responses (created_at);
