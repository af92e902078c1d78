/** Temp files and record builders shared by the store-sqlite tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { emptyCommit, GENESIS_HASH, type Commit, type InstanceRecord, type TaskRow, type TimerRow } from '@sopflow/engine';

export const T0 = Date.parse('2026-01-05T09:00:00Z');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh path in a temp directory removed after the test. */
export function tempFile(name = 'sopflow.db'): string {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-sqlite-'));
  dirs.push(dir);
  return join(dir, name);
}

export function commit(parts: Partial<Commit>): Commit {
  return { ...emptyCommit(), ...parts };
}

export function instance(id: string, overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  return {
    id,
    processId: 'p',
    definition: 'p:1',
    version: 1,
    status: 'running',
    startedAt: T0,
    rev: 1,
    incidents: 0,
    auditSeq: 0,
    auditHash: GENESIS_HASH,
    state: {
      id,
      processId: 'p',
      definition: 'p:1',
      version: 1,
      status: 'running',
      startedAt: T0,
      seq: 1,
      depth: 0,
      root: 'r',
      scopes: { r: { id: 'r', def: 'p', vars: { n: 1 }, active: 1 } },
      execs: {},
      joins: {},
      subs: {},
      timers: {},
      incidents: {},
    },
    ...overrides,
  };
}

export function task(id: string, overrides: Partial<TaskRow> = {}): TaskRow {
  return { id, instanceId: 'i1', processId: 'p', definition: 'p:1', node: 'review', candidateUsers: [], candidateGroups: [], createdAt: T0, ...overrides };
}

export function timer(id: string, due: number): TimerRow {
  return { id, due, instanceId: 'i1', definition: 'p:1', node: 'wait' };
}
