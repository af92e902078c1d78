import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEngine, VirtualClock, type Store } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';
import { pgUrl, postgresAvailable, randomSchema, dropSchema } from './postgres.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const CASES = 30;
const START = Date.parse('2026-11-23T09:00:00+08:00');

function runWorker(url: string, ledger: string, probability: number, seed: number, realStart: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/crash/worker.mts', url, String(CASES), ledger, String(probability), String(seed), '600', String(START), String(realStart)], {
      cwd: repo,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, output });
    });
  });
}

/** Kills workers at random points until the cases are done, then checks that nothing was lost or done twice. */
async function crashAndRecover(url: string, open: () => Promise<Store>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-crash-'));
  const ledger = join(dir, 'ledger.txt');
  writeFileSync(ledger, '');
  const realStart = Date.now();
  const crashes: Record<string, number> = {};
  let done = false;
  try {
    for (let round = 0; round < 60 && !done; round++) {
      const last = round >= 40; // after many crashes, let one worker finish undisturbed
      const { code, signal, output } = await runWorker(url, ledger, last ? 0 : 0.03, 1000 + round, realStart);
      for (const m of output.matchAll(/^crash (\S+)$/gm)) crashes[m[1]] = (crashes[m[1]] ?? 0) + 1;
      if (code === 0 && output.includes('done')) done = true;
      else if (signal !== 'SIGKILL') throw new Error(`worker failed (code ${code}, signal ${signal}):\n${output}`);
    }
    expect(done).toBe(true);
    console.log(`crash test on ${url.split('#')[0].replace(/\/\/.*@/, '//')}: crashes ${JSON.stringify(crashes)}`);
    // every crash point was hit at least once
    expect(Object.keys(crashes).sort()).toEqual(['after-commit', 'before-commit', 'mid-job']);

    const store = await open();
    const engine = createEngine({ store, clock: new VirtualClock(0), scheduler: false });
    try {
      const { items, total } = await store.findInstances({ processId: 'crash', limit: 1000 });
      expect(total).toBe(CASES);
      expect(items.every((i) => i.status === 'completed')).toBe(true);
      expect(await engine.audit.verify()).toMatchObject({ ok: true, problems: [] });
      for (const { id } of items) {
        const trail = await store.auditTrail(id);
        const count = (type: string, node?: string) => trail.filter((e) => e.type === type && (node === undefined || e.node === node)).length;
        // no step applied twice, no timer fired twice, no job result committed twice
        expect({ id, timer: count('timer.fired', 'wait'), job: count('job.completed', 'charge'), task: count('task.completed', 'confirm'), end: count('instance.completed') }).toEqual({ id, timer: 1, job: 1, task: 1, end: 1 });
      }
      // handlers are at-least-once: every case was charged, some more than once; the idempotency key tells repeats apart
      const lines = readFileSync(ledger, 'utf8').trim().split('\n').map((l) => l.split(' '));
      const charged = new Set(lines.map(([instance]) => instance));
      expect(charged.size).toBe(CASES);
      console.log(`  handler runs: ${lines.length} for ${CASES} cases (${new Set(lines.map(([, key]) => key)).size} distinct idempotency keys)`);
    } finally {
      await engine.close();
      await store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('crash recovery with real processes killed by SIGKILL', () => {
  it('should lose nothing and do nothing twice on SQLite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sopflow-crash-db-'));
    const file = join(dir, 'sopflow.db');
    try {
      await crashAndRecover(`sqlite:${file}`, async () => openSqliteStore(file));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);

  it.skipIf(!postgresAvailable)('should lose nothing and do nothing twice on PostgreSQL', async () => {
    const schema = randomSchema();
    const { createPostgresStore } = await import('@sopflow/store-postgres');
    try {
      await crashAndRecover(`${pgUrl}#${schema}`, () => createPostgresStore({ connectionString: pgUrl, schema }));
    } finally {
      await dropSchema(schema);
    }
  }, 600_000);
});
