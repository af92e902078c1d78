import { describe, expect, it } from 'vitest';
import type { TaskQuery } from '@sopflow/engine';
import { openSqliteStore } from '../src/index.js';
import { auditQuery, taskQuery } from '../src/queries.js';
import { prepareStatements } from '../src/statements.js';

/** The query plan SQLite chooses, one line per step. */
function plan(sql: string, params: Record<string, unknown>): string[] {
  const store = openSqliteStore(':memory:');
  try {
    return (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as Array<{ detail: string }>).map((r) => r.detail);
  } finally {
    void store.close();
  }
}

describe('query plans', () => {
  it("should read a group's first tasks as one index range of task_candidates, without sorting", () => {
    // given
    const query = taskQuery({ candidateGroups: ['g7'], limit: 50 });
    // when
    const steps = plan(query.items, query.params);
    // then
    expect(steps[0]).toBe('SEARCH c USING PRIMARY KEY (kind=? AND value=?)');
    expect(steps.join('\n')).not.toContain('TEMP B-TREE');
  });

  it.each<[string, TaskQuery, string]>([
    ['a candidate user', { candidateUser: 'ann' }, 'SEARCH c USING PRIMARY KEY (kind=? AND value=?)'],
    ['an assignee', { assignee: 'ann' }, 'SEARCH t USING INDEX tasks_by_assignee (assignee=?)'],
    ['an instance', { instanceId: 'i1' }, 'SEARCH t USING INDEX tasks_by_instance (instance_id=?)'],
    ['nothing', {}, 'SCAN t USING INDEX tasks_in_order'],
  ])('should list the tasks of %s in order from an index', (_, query, first) => {
    // given
    const { items, params } = taskQuery(query);
    // when
    const steps = plan(items, params);
    // then
    expect(steps[0]).toBe(first);
    expect(steps.join('\n')).not.toContain('TEMP B-TREE');
  });

  it('should page audit events of a business key in index order', () => {
    // given
    const { items, params } = auditQuery({ businessKey: 'K-1' });
    // when
    const steps = plan(items, params);
    // then
    expect(steps).toEqual(['SEARCH audit USING INDEX audit_by_business_key (business_key=?)']);
  });

  it.each<[string, Parameters<typeof auditQuery>[0], string]>([
    ['a rarer type', { types: ['task.completed', 'sla.breached'] }, 'audit_by_type'],
    ['a person', { actor: 'ann' }, 'audit_by_actor'],
    ['a token movement type', { types: ['node.entered'] }, 'audit_by_time'],
    ['the system actor', { actor: 'system' }, 'audit_by_time'],
  ])('should look audit events of %s up in the index that holds them', (_, query, index) => {
    // given
    const { items, params } = auditQuery(query);
    // when
    const steps = plan(items, params);
    // then
    expect(steps[0]).toContain(`INDEX ${index}`);
  });

  it('should find due timers and the next wake-up time from indexes', () => {
    // given
    const store = openSqliteStore(':memory:');
    const explain = (sql: string) => (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(sql.includes('@now') ? { now: 0, limit: 1 } : {}) as Array<{ detail: string }>).map((r) => r.detail);
    // when
    const statements = prepareStatements(store.db);
    // then
    expect(explain(statements.dueTimers.source)).toEqual(['SEARCH timers USING INDEX timers_by_due (due<?)']);
    expect(explain(statements.nextTimerDue.source)).toEqual(['SEARCH timers USING INDEX timers_by_available']);
    void store.close();
  });
});
