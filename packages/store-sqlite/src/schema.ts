/**
 * The DDL of each schema version, frozen: a migration that shipped is never
 * edited, a change is a new migration. Times are epoch ms (INTEGER), JSON
 * is TEXT, booleans are 0/1, absent optional fields are NULL.
 */

/** Version 1: every table the store contract needs, with primary keys only. */
export const TABLES_V1 = `
CREATE TABLE sopflow_migrations (
  version     INTEGER PRIMARY KEY,
  name        TEXT NOT NULL,
  applied_at  INTEGER NOT NULL
);

CREATE TABLE deployments (
  key          TEXT PRIMARY KEY,
  process_id   TEXT NOT NULL,
  version      INTEGER NOT NULL,
  name         TEXT,
  deployed_at  INTEGER NOT NULL,
  xml          TEXT NOT NULL,
  checksum     TEXT NOT NULL,
  definition   TEXT NOT NULL
);

CREATE TABLE instances (
  id            TEXT PRIMARY KEY,
  process_id    TEXT NOT NULL,
  definition    TEXT NOT NULL,
  version       INTEGER NOT NULL,
  business_key  TEXT,
  status        TEXT NOT NULL,
  started_at    INTEGER NOT NULL,
  ended_at      INTEGER,
  parent_id     TEXT,
  rev           INTEGER NOT NULL,
  incidents     INTEGER NOT NULL,
  due           INTEGER,
  audit_seq     INTEGER NOT NULL,
  audit_hash    TEXT NOT NULL,
  state         TEXT NOT NULL
);

-- Keyed by id alone (no rowid): one B-tree less to write per task.
CREATE TABLE tasks (
  id                TEXT PRIMARY KEY,
  instance_id       TEXT NOT NULL,
  process_id        TEXT NOT NULL,
  definition        TEXT NOT NULL,
  node              TEXT NOT NULL,
  name              TEXT,
  business_key      TEXT,
  assignee          TEXT,
  candidate_users   TEXT NOT NULL,
  candidate_groups  TEXT NOT NULL,
  created_at        INTEGER NOT NULL,
  due               INTEGER,
  department        TEXT,
  form_key          TEXT
) WITHOUT ROWID;

-- One row per candidate group or user of a task, clustered by (kind, value)
-- and then in task-list order, so "a group's first 50 tasks" is one index range.
-- Written and deleted with its task, by full key (the task row lists them).
CREATE TABLE task_candidates (
  kind        TEXT NOT NULL CHECK (kind IN ('group', 'user')),
  value       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  task_id     TEXT NOT NULL,
  PRIMARY KEY (kind, value, created_at, task_id)
) WITHOUT ROWID;

CREATE TABLE timers (
  id            TEXT PRIMARY KEY,
  due           INTEGER NOT NULL,
  instance_id   TEXT,
  definition    TEXT NOT NULL,
  node          TEXT NOT NULL,
  fired         INTEGER,
  locked_by     TEXT,
  locked_until  INTEGER,
  -- When the timer may be taken: its due time, or the end of its lease.
  available_at  INTEGER GENERATED ALWAYS AS (max(due, coalesce(locked_until, due))) VIRTUAL
);

CREATE TABLE jobs (
  id               TEXT PRIMARY KEY,
  instance_id      TEXT NOT NULL,
  definition       TEXT NOT NULL,
  node             TEXT NOT NULL,
  type             TEXT NOT NULL,
  retries          INTEGER NOT NULL,
  attempt          INTEGER NOT NULL,
  due              INTEGER NOT NULL,
  variables        TEXT NOT NULL,
  idempotency_key  TEXT NOT NULL,
  locked_by        TEXT,
  locked_until     INTEGER,
  available_at     INTEGER GENERATED ALWAYS AS (max(due, coalesce(locked_until, due))) VIRTUAL
);

CREATE TABLE subscriptions (
  id           TEXT PRIMARY KEY,
  instance_id  TEXT NOT NULL,
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  key          TEXT
);

CREATE TABLE start_subscriptions (
  id          TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  name        TEXT NOT NULL,
  process_id  TEXT NOT NULL,
  definition  TEXT NOT NULL,
  node        TEXT NOT NULL
);

-- Append-only. Kept in a rowid table, so new events fill the last page instead
-- of splitting pages all over a clustered key; (instance_id, seq) is the chain.
CREATE TABLE audit (
  instance_id   TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  time          INTEGER NOT NULL,
  type          TEXT NOT NULL,
  actor         TEXT NOT NULL,
  process_id    TEXT NOT NULL,
  version       INTEGER NOT NULL,
  business_key  TEXT,
  node          TEXT,
  node_name     TEXT,
  data          TEXT NOT NULL,
  prev_hash     TEXT NOT NULL,
  hash          TEXT NOT NULL
);
CREATE UNIQUE INDEX audit_chain ON audit (instance_id, seq);
`;

/** Version 2: the secondary indexes of the engine's queries and the scheduler. */
export const INDEXES_V2 = `
CREATE INDEX deployments_by_process ON deployments (process_id, version);

CREATE INDEX instances_by_process ON instances (process_id);
CREATE INDEX instances_by_definition ON instances (definition);
CREATE INDEX instances_by_business_key ON instances (business_key) WHERE business_key IS NOT NULL;
CREATE INDEX instances_by_status ON instances (status);
CREATE INDEX instances_by_parent ON instances (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX instances_with_incidents ON instances (incidents) WHERE incidents > 0;

CREATE INDEX tasks_in_order ON tasks (created_at, id);
CREATE INDEX tasks_by_instance ON tasks (instance_id, created_at, id);
CREATE INDEX tasks_by_assignee ON tasks (assignee, created_at, id) WHERE assignee IS NOT NULL;
CREATE INDEX tasks_by_process ON tasks (process_id, created_at, id);
CREATE INDEX tasks_by_business_key ON tasks (business_key, created_at, id) WHERE business_key IS NOT NULL;
CREATE INDEX tasks_by_due ON tasks (due) WHERE due IS NOT NULL;

CREATE INDEX timers_by_due ON timers (due);
CREATE INDEX timers_by_available ON timers (available_at);
CREATE INDEX jobs_by_due ON jobs (due);
CREATE INDEX jobs_by_type ON jobs (type, due);
CREATE INDEX jobs_by_available ON jobs (type, available_at);

CREATE INDEX subscriptions_by_name ON subscriptions (kind, name, key);
CREATE INDEX start_subscriptions_by_name ON start_subscriptions (kind, name);

CREATE INDEX audit_by_time ON audit (time, instance_id, seq);
CREATE INDEX audit_by_business_key ON audit (business_key, time, instance_id, seq) WHERE business_key IS NOT NULL;
CREATE INDEX audit_by_process ON audit (process_id, time, instance_id, seq);
CREATE INDEX audit_by_node ON audit (node, time, instance_id, seq) WHERE node IS NOT NULL;
-- Token movements (node.entered / node.left, about half of a trail) and the
-- 'system' actor are read per instance, not looked up by type or actor: left
-- out of these two indexes, which stay small and cheap to write. A query for
-- them scans audit_by_time, where they are frequent.
CREATE INDEX audit_by_actor ON audit (actor, time, instance_id, seq) WHERE actor <> 'system';
CREATE INDEX audit_by_type ON audit (type, time, instance_id, seq) WHERE type NOT IN ('node.entered', 'node.left');
`;

/**
 * Version 3: activity executions (history) for KPI reports, and a covering
 * index for the report's instance figures (replaces instances_by_process,
 * which is its prefix).
 */
export const HISTORY_V3 = `
CREATE TABLE history (
  id            TEXT PRIMARY KEY,
  instance_id   TEXT NOT NULL,
  process_id    TEXT NOT NULL,
  version       INTEGER NOT NULL,
  business_key  TEXT,
  node          TEXT NOT NULL,
  node_name     TEXT,
  node_type     TEXT NOT NULL,
  multi         TEXT,
  instance_no   INTEGER,
  visit         INTEGER NOT NULL,
  started_at    INTEGER NOT NULL,
  ended_at      INTEGER,
  duration_ms   INTEGER,
  outcome       TEXT,
  department    TEXT,
  assignee      TEXT,
  completed_by  TEXT,
  due           INTEGER,
  sla_met       INTEGER,
  over_by_ms    INTEGER,
  reminders     INTEGER NOT NULL,
  escalations   INTEGER NOT NULL
);
CREATE INDEX history_by_instance ON history (instance_id, started_at);
CREATE INDEX history_by_process ON history (process_id, started_at);
CREATE INDEX history_by_start ON history (started_at, id);

DROP INDEX instances_by_process;
CREATE INDEX instances_for_report ON instances (process_id, status, started_at, ended_at, due);
`;
