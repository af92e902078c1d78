import { describe, expect, it } from 'vitest';
import { emptyCommit, MemoryStore, type TaskRow } from '@sopflow/engine';
import { describeStoreContract } from './contract.js';

describeStoreContract('memory', async () => ({ store: new MemoryStore(), destroy: async () => {} }));

describe('MemoryStore', () => {
  it('should keep no per-instance task index entry once an instance has no open task', async () => {
    // given
    const store = new MemoryStore();
    const task = (id: string, instanceId: string): TaskRow => ({ id, instanceId, processId: 'p', definition: 'p:1', node: 'n', candidateUsers: [], candidateGroups: [], createdAt: 0 });
    const index = (store as unknown as { tasksByInstance: Map<string, Set<string>> }).tasksByInstance;
    await store.commit({ ...emptyCommit(), tasks: { upsert: [task('a', 'i1'), task('b', 'i1'), task('c', 'i2')], remove: [] } });
    // when: i1 loses one task, then its last; i2 swaps its task for another in one commit
    await store.commit({ ...emptyCommit(), tasks: { upsert: [], remove: ['a'] } });
    expect([...index.keys()].sort()).toEqual(['i1', 'i2']);
    await store.commit({ ...emptyCommit(), tasks: { upsert: [task('d', 'i2')], remove: ['b', 'c'] } });
    // then
    expect([...index.keys()]).toEqual(['i2']);
    expect((await store.findTasks({ instanceId: 'i2' })).items.map((t) => t.id)).toEqual(['d']);
    expect((await store.findTasks({ instanceId: 'i1' })).items).toEqual([]);
  });
});
