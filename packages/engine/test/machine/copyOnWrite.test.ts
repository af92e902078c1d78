import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { copyOnWrite, keyedRecord } from '../../src/machine/copyOnWrite.js';
import type { Exec, InstanceState } from '../../src/machine/state.js';
import { deepFreeze } from '../../../../test/support/frozenStore.js';

function state(execCount: number): InstanceState {
  const execs: Record<string, Exec> = {};
  for (let i = 0; i < execCount; i++) execs[`e${i}`] = { id: `e${i}`, node: 'task', scope: 'r', kind: 'task', startedAt: 0, task: { id: `k${i}`, candidateUsers: ['ann'], candidateGroups: [], createdAt: 0 } };
  return {
    id: 'i1', processId: 'p', definition: 'p:1', version: 1, status: 'running', startedAt: 0, seq: execCount, depth: 0, root: 'r',
    scopes: { r: { id: 'r', def: 'p', vars: { list: [1, 2, 3] }, active: execCount } },
    execs, joins: {}, subs: {}, timers: {}, incidents: {}, visits: { task: execCount }, sla: { due: 10 },
  };
}

describe('copyOnWrite', () => {
  for (const size of [3, 40]) {
    it(`should leave a frozen state of ${size} execs untouched while the draft changes, and seal plain data`, () => {
      // given
      const before = deepFreeze(state(size));
      const copy = copyOnWrite(before);
      // when: change, add and delete entries, and nested values
      copy.draft.execs.e1.task!.candidateUsers.push('bob');
      copy.draft.execs.e2.startedAt = 5;
      delete copy.draft.execs.e0;
      copy.draft.execs.new = { id: 'new', node: 'task', scope: 'r', kind: 'wait', startedAt: 7 };
      copy.draft.scopes.r.vars.list = [4];
      copy.draft.visits!.task += 1;
      copy.draft.sla!.due = 20;
      copy.draft.status = 'completed';
      const after = copy.seal();
      // then
      expect(before.execs.e1.task!.candidateUsers).toEqual(['ann']);
      expect(before.execs.e0).toBeDefined();
      expect(before.execs.new).toBeUndefined();
      expect([before.scopes.r.vars.list, before.visits!.task, before.sla!.due, before.status]).toEqual([[1, 2, 3], size, 10, 'running']);
      expect(after.execs.e1.task!.candidateUsers).toEqual(['ann', 'bob']);
      expect(after.execs.e2.startedAt).toBe(5);
      expect(Object.keys(after.execs)).toHaveLength(size);
      expect(after.execs.e0).toBeUndefined();
      expect([after.scopes.r.vars.list, after.visits!.task, after.sla!.due, after.status]).toEqual([[4], size + 1, 20, 'completed']);
      for (const name of ['scopes', 'execs', 'joins', 'subs', 'timers', 'incidents'] as const) expect(types.isProxy(after[name])).toBe(false);
      expect(JSON.parse(JSON.stringify(after))).toEqual(after);
    });
  }

  it('should share the entries a step never read with the state it started from', () => {
    // given
    const before = deepFreeze(state(40));
    const copy = copyOnWrite(before);
    // when
    copy.draft.execs.e3.startedAt = 1;
    const after = copy.seal();
    // then: one entry copied, the other 39 shared
    expect(after.execs.e3).not.toBe(before.execs.e3);
    expect(Object.keys(after.execs).filter((id) => after.execs[id] === before.execs[id])).toHaveLength(39);
  });

  it('should scan the raw collections without copying', () => {
    // given
    const before = deepFreeze(state(40));
    const copy = copyOnWrite(before);
    // when
    const found = Object.values(copy.raw.execs).find((e) => e.task?.id === 'k9');
    const after = copy.seal();
    // then
    expect(found).toBe(before.execs.e9);
    expect(Object.keys(after.execs).every((id) => after.execs[id] === before.execs[id])).toBe(true);
  });

  it('should give a keyed record that behaves as a plain object: prototype, insertion order, JSON', () => {
    // given
    const record = keyedRecord<number>();
    // when
    for (const id of ['i1.e3', 'i1.e1', 'i1.e2']) record[id] = id.length;
    delete record['i1.e1'];
    record['i1.e4'] = 5;
    // then
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.keys(record)).toEqual(['i1.e3', 'i1.e2', 'i1.e4']);
    expect(JSON.stringify(record)).toBe('{"i1.e3":5,"i1.e2":5,"i1.e4":5}');
    expect(record).toStrictEqual({ 'i1.e3': 5, 'i1.e2': 5, 'i1.e4': 5 });
  });
});
