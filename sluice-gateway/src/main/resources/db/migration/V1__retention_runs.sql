-- Runs of the retention jobs (and other background jobs): when, what, how many rows, which error.
CREATE TABLE job_runs (
    id          BIGINT PRIMARY KEY,
    job         VARCHAR(64) NOT NULL,
    started_at  BIGINT NOT NULL,
    ended_at    BIGINT,
    rows_deleted BIGINT NOT NULL DEFAULT 0,
    error       VARCHAR(1000)
);
CREATE INDEX job_runs_job_started ON job_runs (job, started_at);
