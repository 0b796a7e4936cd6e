-- golive-store schema version 1 (SQLite). Keep in step with migrations/postgres/0001_initial.sql:
-- same tables, same columns; only the column types differ (BLOB here, BYTEA there).
-- Times are UTC milliseconds since the Unix epoch (BIGINT): the same SQL compares them on both
-- backends. Flags are 0/1 BIGINTs for the same reason.

CREATE TABLE projects (
    id          TEXT PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    policy      TEXT NOT NULL DEFAULT '',
    public      BIGINT NOT NULL DEFAULT 0 CHECK (public IN (0, 1)),
    created_at  BIGINT NOT NULL
);

CREATE TABLE environments (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    base_url    TEXT,
    probe_cron  TEXT,
    probe_zone  TEXT,
    created_at  BIGINT NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE runs (
    id              TEXT PRIMARY KEY,
    project_id      TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    environment_id  TEXT REFERENCES environments(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('audit', 'probe', 'load', 'smoke', 'check', 'deploy')),
    commit_sha      TEXT,
    branch          TEXT,
    pushed_by       TEXT,
    started_at      BIGINT NOT NULL,
    finished_at     BIGINT,
    report          BLOB NOT NULL,
    report_sha256   TEXT NOT NULL,
    score           DOUBLE PRECISION,
    verdict         TEXT NOT NULL CHECK (verdict IN ('GO', 'ATTENTION', 'NO-GO')),
    policy_hash     TEXT,
    idempotency_key TEXT,
    created_at      BIGINT NOT NULL,
    UNIQUE (project_id, idempotency_key)
);
CREATE INDEX runs_by_project_env_time ON runs (project_id, environment_id, started_at, id);
CREATE INDEX runs_by_time ON runs (started_at, id);

CREATE TABLE findings (
    run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq         BIGINT NOT NULL,
    check_id    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    severity    TEXT NOT NULL,
    category    TEXT,
    message     TEXT NOT NULL,
    location    TEXT,
    suppressed  BIGINT NOT NULL DEFAULT 0 CHECK (suppressed IN (0, 1)),
    PRIMARY KEY (run_id, seq)
);
CREATE INDEX findings_by_check ON findings (check_id);

CREATE TABLE category_scores (
    run_id          TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    category        TEXT NOT NULL,
    score           DOUBLE PRECISION,
    pass            BIGINT NOT NULL,
    warn            BIGINT NOT NULL,
    fail            BIGINT NOT NULL,
    manual          BIGINT NOT NULL,
    inconclusive    BIGINT NOT NULL,
    error           BIGINT NOT NULL,
    not_applicable  BIGINT NOT NULL,
    PRIMARY KEY (run_id, category)
);

CREATE TABLE checklist_items (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    item_key    TEXT NOT NULL,
    title       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    UNIQUE (project_id, item_key)
);

CREATE TABLE signoffs (
    id            TEXT PRIMARY KEY,
    item_id       TEXT NOT NULL REFERENCES checklist_items(id) ON DELETE CASCADE,
    signed_by     TEXT NOT NULL,
    signed_at     BIGINT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    expires_at    BIGINT,
    evidence_url  TEXT,
    revoked_at    BIGINT,
    revoked_by    TEXT
);
CREATE INDEX signoffs_by_item ON signoffs (item_id, signed_at);

CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    disabled       BIGINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at     BIGINT NOT NULL
);

CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY,
    prefix        TEXT NOT NULL UNIQUE,
    hash          TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    project_id    TEXT REFERENCES projects(id) ON DELETE CASCADE,
    user_id       TEXT REFERENCES users(id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT,
    revoked_at    BIGINT,
    last_used_at  BIGINT
);

CREATE TABLE uptime_samples (
    environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    at              BIGINT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('up', 'down', 'unknown')),
    latency_ms      BIGINT,
    PRIMARY KEY (environment_id, at)
);
CREATE INDEX uptime_samples_by_time ON uptime_samples (at);

-- Samples rolled up before they were pruned; `day` is the UTC day number (ms / 86400000).
CREATE TABLE uptime_daily (
    environment_id  TEXT NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    day             BIGINT NOT NULL,
    up              BIGINT NOT NULL,
    down            BIGINT NOT NULL,
    unknown         BIGINT NOT NULL,
    latency_sum_ms  BIGINT NOT NULL,
    latency_count   BIGINT NOT NULL,
    latency_max_ms  BIGINT,
    PRIMARY KEY (environment_id, day)
);

CREATE TABLE notification_channels (
    id          TEXT PRIMARY KEY,
    project_id  TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    target      TEXT NOT NULL,
    config      TEXT NOT NULL DEFAULT '{}',
    enabled     BIGINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at  BIGINT NOT NULL,
    UNIQUE (project_id, name)
);

CREATE TABLE deliveries (
    id             TEXT PRIMARY KEY,
    channel_id     TEXT NOT NULL REFERENCES notification_channels(id) ON DELETE CASCADE,
    run_id         TEXT REFERENCES runs(id) ON DELETE SET NULL,
    event          TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    response_code  BIGINT,
    attempts       BIGINT NOT NULL DEFAULT 0,
    last_error     TEXT,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);
CREATE INDEX deliveries_by_channel ON deliveries (channel_id, created_at);

-- A released lease keeps its row (expires_at = 0) so that fencing tokens only ever grow.
CREATE TABLE job_leases (
    name        TEXT PRIMARY KEY,
    holder      TEXT NOT NULL,
    token       BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);

CREATE TABLE audit_log (
    id      TEXT PRIMARY KEY,
    at      BIGINT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    target  TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_by_time ON audit_log (at, id);
