import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeReport, type ActivityRecord, type InstanceRecord, type ReportQuery } from '@sopflow/engine';
import { openSqliteStore } from '../src/index.js';
import { commit, instance, T0 } from './helpers.js';

const H = 3_600_000;
// 'p' + 'ab' and 'pa' + 'b' concatenate alike: the reference's node order must still be matched.
const processIds = ['p', 'pa', 'q'];
const nodes = ['a', 'ab', 'b', 'review'];
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
const time = fc.integer({ min: 0, max: 96 }).map((quarter) => T0 + (quarter * H) / 4);
const duration = fc.oneof(fc.integer({ min: 0, max: 40 * H }), fc.integer({ min: 0, max: 4000 }).map((n) => n / 8));

const activity = fc
  .record({
    instanceId: fc.constantFrom('i0', 'i1', 'i2'),
    processId: fc.constantFrom(...processIds),
    node: fc.constantFrom(...nodes),
    nodeName: maybe(fc.constantFrom('', 'Review', '审核')),
    multi: maybe(fc.constantFrom('container' as const, 'instance' as const)),
    visit: fc.integer({ min: 1, max: 3 }),
    startedAt: time,
    duration: maybe(duration),
    keepDuration: fc.boolean(),
    outcome: maybe(fc.constantFrom('completed' as const, 'cancelled' as const)),
    department: maybe(fc.constantFrom('', 'sales', '运营部', 'finance')),
    dueIn: maybe(fc.integer({ min: -H, max: 20 * H })),
    slaMet: maybe(fc.boolean()),
    reminders: fc.integer({ min: 0, max: 3 }),
    escalations: fc.integer({ min: 0, max: 2 }),
  })
  .map((g): Omit<ActivityRecord, 'id'> => {
    const ended = g.duration !== undefined;
    return {
      instanceId: g.instanceId,
      processId: g.processId,
      version: 1,
      node: g.node,
      nodeType: 'userTask',
      visit: g.visit,
      startedAt: g.startedAt,
      reminders: g.reminders,
      escalations: g.escalations,
      ...(g.nodeName !== undefined ? { nodeName: g.nodeName } : {}),
      ...(g.multi ? { multi: g.multi } : {}),
      ...(ended ? { endedAt: g.startedAt + g.duration!, ...(g.keepDuration ? { durationMs: g.duration } : {}) } : {}),
      ...(ended && g.outcome ? { outcome: g.outcome } : {}),
      ...(g.department !== undefined ? { department: g.department } : {}),
      ...(g.dueIn !== undefined ? { due: g.startedAt + g.dueIn } : {}),
      ...(g.slaMet !== undefined ? { slaMet: g.slaMet } : {}),
    };
  });

const instanceRecord = fc
  .record({
    processId: fc.constantFrom(...processIds),
    status: fc.constantFrom('running' as const, 'completed' as const, 'cancelled' as const),
    startedAt: time,
    duration,
    dueIn: maybe(fc.integer({ min: 0, max: 30 * H })),
  })
  .map((g) => ({
    processId: g.processId,
    status: g.status,
    startedAt: g.startedAt,
    ...(g.status !== 'running' ? { endedAt: g.startedAt + g.duration } : {}),
    ...(g.dueIn !== undefined ? { due: g.startedAt + g.dueIn } : {}),
  }));

const query: fc.Arbitrary<ReportQuery> = fc
  .record({ processId: maybe(fc.constantFrom(...processIds, 'none')), from: maybe(time), to: maybe(time) })
  .map((q) => Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined)) as ReportQuery);

describe('report in SQL', () => {
  it('should equal computeReport for any history, instances and period', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(activity, { maxLength: 60 }),
        fc.array(instanceRecord, { maxLength: 12 }),
        fc.array(query, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        async (drafts, cases, queries, split) => {
          // given: history committed in two steps, one row then updated in place
          const rows: ActivityRecord[] = drafts.map((d, i) => ({ id: `a${i}`, ...d }));
          const records: InstanceRecord[] = cases.map((c, i) => instance(`c${i}`, c));
          const store = openSqliteStore(':memory:');
          try {
            const cut = rows.length ? split % rows.length : 0;
            await store.commit(commit({ history: rows.slice(0, cut), instances: records.map((record) => ({ record, expectedRev: 0 })) }));
            await store.commit(commit({ history: rows.slice(cut) }));
            if (rows.length) {
              rows[0] = { ...rows[0], reminders: rows[0].reminders + 5 };
              await store.commit(commit({ history: [rows[0]] }));
            }
            const summaries = records.map(({ id, processId, status, startedAt, endedAt, due }) => ({
              id, processId, status, startedAt, ...(endedAt !== undefined ? { endedAt } : {}), ...(due !== undefined ? { due } : {}),
            }));
            for (const q of queries) {
              // when
              const actual = await store.report(q);
              // then
              expect(actual).toStrictEqual(computeReport(rows, summaries, q));
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('should give an empty report for an empty store', async () => {
    // given
    const store = openSqliteStore(':memory:');
    // when
    const report = await store.report({ from: T0 });
    // then
    expect(report).toStrictEqual({ query: { from: T0 }, processes: [], nodes: [], departments: [] });
    await store.close();
  });
});
