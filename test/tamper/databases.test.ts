/**
 * The realistic attack on a tamper-evident trail: someone with access to the
 * database edits, deletes or reorders audit rows with plain SQL. Each time,
 * `engine.audit.verify()` must name the first bad event — on a SQLite file
 * and on a PostgreSQL table. (The MemoryStore tamper tests in
 * packages/engine/test/audit/tamper.test.ts edit the in-memory array.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson, createEngine, sha256Hex, VirtualClock, type AuditEvent, type Store } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';
import { createPostgresStore } from '@sopflow/store-postgres';
import { dropSchema, PG_URL, pgUnavailable, randomSchema } from '../../packages/store-postgres/test/support.js';

const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="claim" isExecutable="true">
    <bpmn:startEvent id="s"/>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <bpmn:userTask id="review" name="Review claim" sop:candidateGroups="claims"/>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="pay"/>
    <bpmn:userTask id="pay" name="Pay claim" sop:candidateGroups="claims"/>
    <bpmn:sequenceFlow id="f3" sourceRef="pay" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`;

const ID = 'claim-1';

/** Runs one claim to its end on the store, and a second one left open; returns the claim's untouched trail. */
async function writeTrail(store: Store): Promise<AuditEvent[]> {
  const clock = new VirtualClock('2026-11-23T09:00:00Z');
  const engine = createEngine({ store, clock, scheduler: false });
  await engine.deploy(xml);
  await engine.start('claim', { id: ID, variables: { amount: 120 } });
  await engine.start('claim', { id: 'claim-2', variables: { amount: 80 } });
  const by = { id: 'ann', groups: ['claims'] };
  for (let i = 0; i < 2; i++) {
    await clock.advance('PT1H');
    const [task] = (await engine.tasks({ instanceId: ID })).items;
    await engine.complete(task.id, { by, variables: { step: i } });
  }
  expect((await engine.instance(ID)).status).toBe('completed');
  const trail = await store.auditTrail(ID);
  await engine.close();
  return trail;
}

async function verify(store: Store) {
  const engine = createEngine({ store, clock: new VirtualClock('2026-11-24T00:00:00Z'), scheduler: false });
  try {
    return { one: await engine.audit.verify(ID), all: await engine.audit.verify() };
  } finally {
    await engine.close();
  }
}

/** SQL run directly on the database; `$1` is the claim's id. Returns the number of rows changed. */
type Exec = (statement: string) => Promise<number>;

interface Tampering {
  what: string;
  /** The tampering, given the untouched trail (to pick events) and a way to run SQL. */
  tamper: (trail: AuditEvent[], exec: Exec) => Promise<void>;
  /** The first bad event verify must name: its seq (given the trail), kind, and words of its message. */
  expected: (trail: AuditEvent[]) => { seq: number; kind: string; message: string };
}

const tamperings: Tampering[] = [
  {
    what: 'an edited actor',
    tamper: async (trail, exec) => {
      const completed = trail.find((e) => e.type === 'task.completed')!;
      expect(await exec(`UPDATE audit SET actor = 'mallory' WHERE instance_id = $1 AND seq = ${completed.seq}`)).toBe(1);
    },
    expected: (trail) => {
      const seq = trail.find((e) => e.type === 'task.completed')!.seq;
      return { seq, kind: 'edited', message: `Event #${seq} (task.completed) does not match its hash` };
    },
  },
  {
    what: 'edited variables in the data',
    tamper: async (_trail, exec) => {
      expect(await exec(`UPDATE audit SET data = replace(data, '"amount":120', '"amount":12000') WHERE instance_id = $1 AND type = 'instance.started'`)).toBe(1);
    },
    expected: () => ({ seq: 1, kind: 'edited', message: 'Event #1 (instance.started) does not match its hash' }),
  },
  {
    what: 'a moved time',
    tamper: async (_trail, exec) => {
      expect(await exec(`UPDATE audit SET time = time - 3600000 WHERE instance_id = $1 AND seq = 6`)).toBe(1);
    },
    expected: (trail) => ({ seq: 6, kind: 'edited', message: `Event #6 (${trail[5].type}) does not match its hash` }),
  },
  {
    what: 'a deleted row',
    tamper: async (_trail, exec) => {
      expect(await exec(`DELETE FROM audit WHERE instance_id = $1 AND seq = 4`)).toBe(1);
    },
    expected: () => ({ seq: 4, kind: 'missing', message: 'Event #4 is missing (found #5 in its place)' }),
  },
  {
    what: 'two rows swapped (renumbered)',
    tamper: async (_trail, exec) => {
      // In a table read in seq order, moving an event means renumbering it: #3 now holds what was #4.
      expect(await exec(`UPDATE audit SET seq = -3 WHERE instance_id = $1 AND seq = 3`)).toBe(1);
      expect(await exec(`UPDATE audit SET seq = 3 WHERE instance_id = $1 AND seq = 4`)).toBe(1);
      expect(await exec(`UPDATE audit SET seq = 4 WHERE instance_id = $1 AND seq = -3`)).toBe(1);
    },
    expected: (trail) => ({ seq: 3, kind: 'edited', message: `Event #3 (${trail[3].type}) does not match its hash` }),
  },
  {
    what: 'the last rows deleted',
    tamper: async (trail, exec) => {
      expect(await exec(`DELETE FROM audit WHERE instance_id = $1 AND seq > ${trail.length - 2}`)).toBe(2);
    },
    expected: (trail) => ({ seq: trail.length - 1, kind: 'truncated', message: `recorded ${trail.length} events but ${trail.length - 2} are stored` }),
  },
  {
    what: 'an edited row given a recomputed hash',
    tamper: async (trail, exec) => {
      // The forger knows the hash function: event 3 checks out on its own, but event 4 no longer links to it.
      const { hash: _old, ...body } = { ...trail[2], actor: 'mallory' };
      const hash = sha256Hex(canonicalJson(body));
      expect(await exec(`UPDATE audit SET actor = 'mallory', hash = '${hash}' WHERE instance_id = $1 AND seq = 3`)).toBe(1);
    },
    expected: (trail) => ({ seq: 4, kind: 'broken-link', message: `Event #4 (${trail[3].type}) does not link to event #3` }),
  },
];

/** Asserts what verify says of a tampered store: the claim's chain names the event, the others are intact. */
async function expectNamed(store: Store, expected: { seq: number; kind: string; message: string }): Promise<void> {
  const { one, all } = await verify(store);
  expect(one.ok).toBe(false);
  expect(one.problems).toEqual([{ instanceId: ID, seq: expected.seq, kind: expected.kind, message: expect.stringContaining(expected.message) }]);
  // every chain: the two claims and the deployment chain checked, only this one broken
  expect(all).toMatchObject({ ok: false, checked: 3 });
  expect(all.problems).toEqual(one.problems);
}

describe('audit rows tampered with in a SQLite file', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  async function fresh(): Promise<{ file: string; trail: AuditEvent[] }> {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-tamper-'));
    dirs.push(dir);
    const file = join(dir, 'sopflow.db');
    const store = openSqliteStore(file);
    const trail = await writeTrail(store);
    await store.close();
    return { file, trail };
  }

  function sqlite(file: string): Exec {
    return async (statement) => {
      const db = new Database(file);
      try {
        return db.prepare(statement.replace('$1', '?')).run(ID).changes;
      } finally {
        db.close();
      }
    };
  }

  it('should verify the untouched file', async () => {
    // given
    const { file } = await fresh();
    const store = openSqliteStore(file);
    // when
    const { one, all } = await verify(store);
    await store.close();
    // then
    expect(one).toEqual({ ok: true, checked: 1, problems: [] });
    expect(all).toEqual({ ok: true, checked: 3, problems: [] });
  });

  it.each(tamperings.map((t) => [t.what, t] as const))('should name the first bad event after %s', async (_what, { tamper, expected }) => {
    // given
    const { file, trail } = await fresh();
    await tamper(trail, sqlite(file));
    // when / then
    const store = openSqliteStore(file);
    try {
      await expectNamed(store, expected(trail));
    } finally {
      await store.close();
    }
  });

  it('should notice a deleted deployment event', async () => {
    // given
    const { file } = await fresh();
    const db = new Database(file);
    expect(db.prepare(`DELETE FROM audit WHERE instance_id = 'process:claim'`).run().changes).toBe(1);
    db.close();
    const store = openSqliteStore(file);
    // when
    const { all } = await verify(store);
    await store.close();
    // then
    expect(all.problems).toEqual([{ instanceId: 'process:claim', seq: 1, kind: 'truncated', message: '1 versions are deployed but 0 deployment events are stored: the trail was truncated after #0.' }]);
  });
});

describe.skipIf(pgUnavailable)('audit rows tampered with in a PostgreSQL table', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(schema);
  });

  async function fresh(): Promise<{ schema: string; trail: AuditEvent[] }> {
    const schema = randomSchema();
    schemas.push(schema);
    const store = await createPostgresStore({ connectionString: PG_URL, schema });
    const trail = await writeTrail(store);
    await store.close();
    return { schema, trail };
  }

  function postgres(schema: string): Exec {
    return async (statement) => {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      try {
        // The PostgreSQL table names its time column occurred_at.
        const text = statement.replace(/\baudit\b/, `"${schema}".audit`).replace(/\btime\b/g, 'occurred_at');
        return (await client.query(text, [ID])).rowCount ?? 0;
      } finally {
        await client.end();
      }
    };
  }

  it.each(tamperings.map((t) => [t.what, t] as const))('should name the first bad event after %s', async (_what, { tamper, expected }) => {
    // given
    const { schema, trail } = await fresh();
    await tamper(trail, postgres(schema));
    // when / then
    const store = await createPostgresStore({ connectionString: PG_URL, schema });
    try {
      await expectNamed(store, expected(trail));
    } finally {
      await store.close();
    }
  });
});
