import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeReport, emptyCommit, GENESIS_HASH, type ActivityRecord, type InstanceRecord, type ReportQuery } from '@sopflow/engine';
import type { PostgresStore } from '@sopflow/store-postgres';
import { pgUnavailable, sql, testStores } from './support.js';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const H = 3_600_000;

const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const activity = fc
  .record({
    processId: fc.constantFrom('p', 'q', 'Ωmega'),
    node: fc.constantFrom('a', 'b', '审核', 'a2'),
    nodeName: maybe(fc.constantFrom('Review', 'Approve', '')),
    department: maybe(fc.constantFrom('sales', '运营部', 'Zeta', 'ops')),
    multi: maybe(fc.constantFrom('container' as const, 'instance' as const)),
    visit: fc.integer({ min: 1, max: 3 }),
    start: fc.integer({ min: 0, max: 100 * H }),
    length: maybe(fc.integer({ min: 0, max: 30 * H })),
    outcome: fc.constantFrom('completed' as const, 'cancelled' as const),
    sla: maybe(fc.integer({ min: 0, max: 20 * H })),
    reminders: fc.integer({ min: 0, max: 3 }),
    escalations: fc.integer({ min: 0, max: 2 }),
  })
  .map((a): Omit<ActivityRecord, 'id' | 'instanceId'> => ({
    processId: a.processId,
    version: 1,
    node: a.node,
    ...(a.nodeName !== undefined ? { nodeName: a.nodeName } : {}),
    nodeType: 'userTask',
    ...(a.multi ? { multi: a.multi } : {}),
    visit: a.visit,
    startedAt: T0 + a.start,
    ...(a.length !== undefined ? { endedAt: T0 + a.start + a.length, durationMs: a.length, outcome: a.outcome } : {}),
    ...(a.department ? { department: a.department } : {}),
    ...(a.sla !== undefined ? { due: T0 + a.start + a.sla } : {}),
    ...(a.sla !== undefined && a.length !== undefined ? { slaMet: a.length <= a.sla, overByMs: Math.max(0, a.length - a.sla) } : {}),
    reminders: a.reminders,
    escalations: a.escalations,
  }));

const summary = fc.record({
  processId: fc.constantFrom('p', 'q', 'r'),
  status: fc.constantFrom('running' as const, 'completed' as const, 'cancelled' as const),
  start: fc.integer({ min: 0, max: 100 * H }),
  length: fc.integer({ min: 0, max: 40 * H }),
  sla: maybe(fc.integer({ min: 0, max: 30 * H })),
});

const period = fc.record({
  processId: maybe(fc.constantFrom('p', 'q', 'r', 'none')),
  from: maybe(fc.integer({ min: 0, max: 120 * H }).map((t) => T0 + t)),
  to: maybe(fc.integer({ min: 0, max: 150 * H }).map((t) => T0 + t)),
});

type Summary = typeof summary extends fc.Arbitrary<infer S> ? S : never;

function instanceRecord(id: string, s: Summary): InstanceRecord {
  const ended = s.status !== 'running';
  return {
    id,
    processId: s.processId,
    definition: `${s.processId}:1`,
    version: 1,
    status: s.status,
    startedAt: T0 + s.start,
    ...(ended ? { endedAt: T0 + s.start + s.length } : {}),
    ...(s.sla !== undefined ? { due: T0 + s.start + s.sla } : {}),
    rev: 1,
    incidents: 0,
    auditSeq: 0,
    auditHash: GENESIS_HASH,
    state: { id, processId: s.processId, definition: `${s.processId}:1`, version: 1, status: s.status, startedAt: T0 + s.start, seq: 0, depth: 0, root: 'r', scopes: {}, execs: {}, joins: {}, subs: {}, timers: {}, incidents: {} },
  };
}

describe.skipIf(pgUnavailable)('report in SQL', () => {
  const stores = testStores();
  let store: PostgresStore;
  beforeAll(async () => {
    store = await stores.open();
  });
  afterAll(() => stores.cleanup());

  it('should equal computeReport on generated histories, instances and periods (values, nulls, integer vs fraction, order)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(activity, { maxLength: 60 }),
        fc.array(fc.tuple(fc.nat({ max: 59 }), activity), { maxLength: 10 }),
        fc.array(summary, { maxLength: 12 }),
        fc.array(period, { minLength: 1, maxLength: 4 }),
        async (drafts, updates, summaries, queries: ReportQuery[]) => {
          // given: rows in two commits, then some rows replaced (upserts keep their first-recorded position)
          await sql(`TRUNCATE "${store.schema}".history, "${store.schema}".instances`);
          const rows: ActivityRecord[] = drafts.map((d, i) => ({ ...d, id: `a${i}`, instanceId: `i${i % 5}` }));
          const half = Math.floor(rows.length / 2);
          await store.commit({ ...emptyCommit(), history: rows.slice(0, half) });
          await store.commit({ ...emptyCommit(), history: rows.slice(half) });
          for (const [at, replacement] of updates) {
            if (at >= rows.length) continue;
            rows[at] = { ...replacement, id: rows[at].id, instanceId: rows[at].instanceId };
            await store.commit({ ...emptyCommit(), history: [rows[at]] });
          }
          const instances = summaries.map((s, i) => instanceRecord(`i${i}`, s));
          await store.commit({ ...emptyCommit(), instances: instances.map((record) => ({ record, expectedRev: 0 })) });
          const cases = instances.map((r) => ({
            id: r.id,
            processId: r.processId,
            status: r.status,
            startedAt: r.startedAt,
            ...(r.endedAt !== undefined ? { endedAt: r.endedAt } : {}),
            ...(r.due !== undefined ? { due: r.due } : {}),
          }));
          for (const query of queries) {
            const clean = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined)) as ReportQuery;
            // when
            const actual = await store.report(clean);
            // then
            expect(actual).toEqual(computeReport(rows, cases, clean));
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 120_000);
});
