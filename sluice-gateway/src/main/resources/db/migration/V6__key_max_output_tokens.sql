-- A per-key ceiling on max_tokens / max_completion_tokens (0: none).
ALTER TABLE api_keys ADD COLUMN max_output_tokens INTEGER DEFAULT 0 NOT NULL;
