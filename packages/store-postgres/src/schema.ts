/**
 * The tables of schema version 1, as DDL statements for one schema. Times
 * are bigint epoch milliseconds. JSON that the store never looks inside
 * (instance state, definitions, variables, audit data) is kept as text:
 * it is stored and returned byte for byte, and `jsonb` would refuse the
 * `\u0000` that JSON (and sopflow variables) allow. The list-valued fields
 * that queries filter on — a task's candidate users and groups — are
 * `text[]` with GIN indexes. Ids and the names reports sort by use the "C"
 * collation: code-point order, as the engine's JavaScript sorts.
 */

/** DDL of version 1 for the schema `q` (already quoted). Pure. */
export function schemaV1(q: string): string[] {
  return [
    `CREATE TABLE ${q}.deployments (
      key text COLLATE "C" PRIMARY KEY,
      process_id text COLLATE "C" NOT NULL,
      version integer NOT NULL,
      name text,
      deployed_at bigint NOT NULL,
      xml text NOT NULL,
      checksum text NOT NULL,
      definition text NOT NULL
    )`,
    `CREATE INDEX deployments_latest ON ${q}.deployments (process_id, version DESC)`,

    `CREATE TABLE ${q}.instances (
      id text COLLATE "C" PRIMARY KEY,
      process_id text COLLATE "C" NOT NULL,
      definition text COLLATE "C" NOT NULL,
      version integer NOT NULL,
      business_key text,
      status text NOT NULL,
      started_at bigint NOT NULL,
      ended_at bigint,
      parent_id text COLLATE "C",
      rev integer NOT NULL,
      incidents integer NOT NULL,
      due bigint,
      state text NOT NULL,
      audit_seq integer NOT NULL,
      audit_hash text NOT NULL
    )`,
    `CREATE INDEX instances_started ON ${q}.instances (started_at, id)`,
    `CREATE INDEX instances_process ON ${q}.instances (process_id, started_at)`,
    `CREATE INDEX instances_definition ON ${q}.instances (definition)`,
    `CREATE INDEX instances_business_key ON ${q}.instances (business_key) WHERE business_key IS NOT NULL`,
    `CREATE INDEX instances_status ON ${q}.instances (status)`,
    `CREATE INDEX instances_parent ON ${q}.instances (parent_id) WHERE parent_id IS NOT NULL`,
    `CREATE INDEX instances_incidents ON ${q}.instances (id) WHERE incidents > 0`,

    `CREATE TABLE ${q}.tasks (
      id text COLLATE "C" PRIMARY KEY,
      instance_id text COLLATE "C" NOT NULL,
      process_id text COLLATE "C" NOT NULL,
      definition text NOT NULL,
      node text NOT NULL,
      name text,
      business_key text,
      assignee text,
      candidate_users text[] NOT NULL,
      candidate_groups text[] NOT NULL,
      created_at bigint NOT NULL,
      due bigint,
      department text,
      form_key text
    )`,
    `CREATE INDEX tasks_created ON ${q}.tasks (created_at, id)`,
    `CREATE INDEX tasks_instance ON ${q}.tasks (instance_id)`,
    `CREATE INDEX tasks_process ON ${q}.tasks (process_id)`,
    `CREATE INDEX tasks_business_key ON ${q}.tasks (business_key) WHERE business_key IS NOT NULL`,
    `CREATE INDEX tasks_assignee ON ${q}.tasks (assignee) WHERE assignee IS NOT NULL`,
    `CREATE INDEX tasks_due ON ${q}.tasks (due) WHERE due IS NOT NULL`,
    `CREATE INDEX tasks_candidate_groups ON ${q}.tasks USING gin (candidate_groups)`,
    `CREATE INDEX tasks_candidate_users ON ${q}.tasks USING gin (candidate_users)`,

    // A lease is (locked_by, locked_until). A row is available when due and not leased
    // past now; GREATEST(due, locked_until) is when it becomes available (GREATEST skips NULL).
    `CREATE TABLE ${q}.timers (
      id text COLLATE "C" PRIMARY KEY,
      due bigint NOT NULL,
      instance_id text COLLATE "C",
      definition text NOT NULL,
      node text NOT NULL,
      fired integer,
      locked_by text,
      locked_until bigint
    )`,
    `CREATE INDEX timers_due ON ${q}.timers (due, id)`,
    `CREATE INDEX timers_available ON ${q}.timers ((GREATEST(due, locked_until)))`,

    `CREATE TABLE ${q}.jobs (
      id text COLLATE "C" PRIMARY KEY,
      instance_id text COLLATE "C" NOT NULL,
      definition text NOT NULL,
      node text NOT NULL,
      type text COLLATE "C" NOT NULL,
      retries integer NOT NULL,
      attempt integer NOT NULL,
      due bigint NOT NULL,
      variables text NOT NULL,
      idempotency_key text NOT NULL,
      locked_by text,
      locked_until bigint
    )`,
    `CREATE INDEX jobs_due ON ${q}.jobs (due, id)`,
    `CREATE INDEX jobs_type_due ON ${q}.jobs (type, due, id)`,
    // Per type only: an index on the expression alone would tempt the planner into scanning it and filtering by type.
    `CREATE INDEX jobs_type_available ON ${q}.jobs (type, (GREATEST(due, locked_until)))`,

    `CREATE TABLE ${q}.subscriptions (
      id text COLLATE "C" PRIMARY KEY,
      instance_id text COLLATE "C" NOT NULL,
      kind text NOT NULL,
      name text NOT NULL,
      key text
    )`,
    `CREATE INDEX subscriptions_name ON ${q}.subscriptions (kind, name, key)`,

    `CREATE TABLE ${q}.start_subscriptions (
      id text COLLATE "C" PRIMARY KEY,
      kind text NOT NULL,
      name text NOT NULL,
      process_id text COLLATE "C" NOT NULL,
      definition text NOT NULL,
      node text NOT NULL
    )`,
    `CREATE INDEX start_subscriptions_name ON ${q}.start_subscriptions (kind, name)`,

    `CREATE TABLE ${q}.audit (
      instance_id text COLLATE "C" NOT NULL,
      seq integer NOT NULL,
      occurred_at bigint NOT NULL,
      type text NOT NULL,
      actor text NOT NULL,
      process_id text COLLATE "C" NOT NULL,
      version integer NOT NULL,
      business_key text,
      node text,
      node_name text,
      data text NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      PRIMARY KEY (instance_id, seq)
    )`,
    `CREATE INDEX audit_time ON ${q}.audit (occurred_at, instance_id, seq)`,
    `CREATE INDEX audit_process ON ${q}.audit (process_id, occurred_at)`,
    `CREATE INDEX audit_business_key ON ${q}.audit (business_key) WHERE business_key IS NOT NULL`,

    // seq: insertion order, kept by upserts — the report names a node after its first-recorded execution.
    `CREATE TABLE ${q}.history (
      id text COLLATE "C" PRIMARY KEY,
      seq bigint GENERATED ALWAYS AS IDENTITY,
      instance_id text COLLATE "C" NOT NULL,
      process_id text COLLATE "C" NOT NULL,
      version integer NOT NULL,
      business_key text,
      node text COLLATE "C" NOT NULL,
      node_name text,
      node_type text NOT NULL,
      multi text,
      multi_index integer,
      visit integer NOT NULL,
      started_at bigint NOT NULL,
      ended_at bigint,
      duration_ms bigint,
      outcome text,
      department text COLLATE "C",
      assignee text,
      completed_by text,
      due bigint,
      sla_met boolean,
      over_by_ms bigint,
      reminders integer NOT NULL,
      escalations integer NOT NULL
    )`,
    `CREATE INDEX history_instance ON ${q}.history (instance_id)`,
    `CREATE INDEX history_process ON ${q}.history (process_id, started_at)`,
    `CREATE INDEX history_started ON ${q}.history (started_at, id)`,
    `CREATE INDEX history_department ON ${q}.history (department) WHERE department IS NOT NULL`,

    // The commit is one statement: this aborts it (and everything it wrote) when an instance's
    // revision moved or a deployment key exists, and queues the wake-up notification.
    `CREATE FUNCTION ${q}.sopflow_finish_commit(missing_instance text, existing_deployment text, channel text, payload text)
      RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
      IF missing_instance IS NOT NULL THEN
        RAISE EXCEPTION 'sopflow: instance % changed concurrently', missing_instance
          USING ERRCODE = 'SF409', DETAIL = missing_instance, HINT = 'instance';
      END IF;
      IF existing_deployment IS NOT NULL THEN
        RAISE EXCEPTION 'sopflow: deployment % exists', existing_deployment
          USING ERRCODE = 'SF409', DETAIL = existing_deployment, HINT = 'deployment';
      END IF;
      IF payload IS NOT NULL THEN
        PERFORM pg_notify(channel, payload);
      END IF;
    END
    $fn$`,
  ];
}

/**
 * DDL of version 2 for the schema `q` (already quoted): job-lease fencing.
 * The commit statement now also names the first job lease it relies on
 * that moved; this five-argument overload raises SF409 with HINT
 * 'job-lease' for it before anything else. Additive: the four-argument
 * function stays, so workers still on version 1 keep committing until
 * they are replaced. Pure.
 */
export function schemaV2(q: string): string[] {
  return [
    `CREATE FUNCTION ${q}.sopflow_finish_commit(lost_lease text, missing_instance text, existing_deployment text, channel text, payload text)
      RETURNS void LANGUAGE plpgsql AS $fn$
    BEGIN
      IF lost_lease IS NOT NULL THEN
        RAISE EXCEPTION 'sopflow: the lease of job % moved', lost_lease
          USING ERRCODE = 'SF409', DETAIL = lost_lease, HINT = 'job-lease';
      END IF;
      IF missing_instance IS NOT NULL THEN
        RAISE EXCEPTION 'sopflow: instance % changed concurrently', missing_instance
          USING ERRCODE = 'SF409', DETAIL = missing_instance, HINT = 'instance';
      END IF;
      IF existing_deployment IS NOT NULL THEN
        RAISE EXCEPTION 'sopflow: deployment % exists', existing_deployment
          USING ERRCODE = 'SF409', DETAIL = existing_deployment, HINT = 'deployment';
      END IF;
      IF payload IS NOT NULL THEN
        PERFORM pg_notify(channel, payload);
      END IF;
    END
    $fn$`,
  ];
}
