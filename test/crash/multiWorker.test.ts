import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEngine, VirtualClock } from '@sopflow/engine';
import { dropSchema, pgUrl, postgresAvailable, randomSchema } from './postgres.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const CASES = 1000;
const START = Date.parse('2026-11-23T09:00:00+08:00');
const SPEED = 3600; // one engine hour a real second: the 4-working-hour reminders fire during the run

function worker(schema: string, name: string, realStart: number): { child: ChildProcess; output: Promise<string> } {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/crash/approvalWorker.mts', pgUrl, schema, String(CASES), String(SPEED), String(START), String(realStart), name], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const output = new Promise<string>((resolve) => child.on('exit', () => resolve(text)));
  return { child, output };
}

describe('several workers on one PostgreSQL database', () => {
  it.skipIf(!postgresAvailable)(`should complete ${CASES} approval cases exactly once with a worker killed mid-run, the load spread over the live workers`, async () => {
    // given: the cases are started (by a process with no scheduler), then three workers take over
    const schema = randomSchema();
    const { createPostgresStore } = await import('@sopflow/store-postgres');
    const store = await createPostgresStore({ connectionString: pgUrl, schema });
    const calendars = JSON.parse(readFileSync(`${repo}examples/calendars.json`, 'utf8')).calendars;
    const starter = createEngine({ store, clock: new VirtualClock(START), calendars, scheduler: false });
    try {
      await starter.deploy(readFileSync(`${repo}examples/cross-department-approval/cross-department-approval.bpmn`));
      const departments = ['finance', 'it', 'legal'];
      for (let i = 0; i < CASES; i++) {
        await starter.start('cross-department-approval', {
          id: `approval-${i}`,
          variables: { goal: `case ${i}`, deadline: '2027-06-30', amount: (i * 7919) % 700_000, departments: [departments[i % 3], departments[(i + 1) % 3]], urgent: i % 10 === 0, applicant: `a${i}`, applicantManager: `m${i}`, managerDepartment: 'operations' },
        });
      }
      const realStart = Date.now();
      const workers = ['w1', 'w2', 'w3'].map((name) => ({ name, ...worker(schema, name, realStart) }));
      // when: w3 is killed mid-run
      await new Promise((r) => setTimeout(r, 8000));
      workers[2].child.kill('SIGKILL');
      const outputs = await Promise.race([
        Promise.all(workers.slice(0, 2).map((w) => w.output)),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('workers did not finish in 240 s')), 240_000)),
      ]);
      await workers[2].output;
      // then: every case completed exactly once
      const { items, total } = await store.findInstances({ processId: 'cross-department-approval', limit: 10_000 });
      expect(total).toBe(CASES);
      expect(items.filter((i) => i.status !== 'completed').map((i) => i.id)).toEqual([]);
      expect((await starter.audit.verify()).problems).toEqual([]);
      let timersFired = 0;
      for (const { id } of items) {
        const trail = await store.auditTrail(id);
        const completedTasks = trail.filter((e) => e.type === 'task.completed').map((e) => e.data.task);
        expect(new Set(completedTasks).size, id).toBe(completedTasks.length);
        expect(trail.filter((e) => e.type === 'job.completed' && e.node === 'Task_Archive')).toHaveLength(1);
        expect(trail.filter((e) => e.type === 'instance.completed')).toHaveLength(1);
        timersFired += trail.filter((e) => e.type === 'timer.fired').length;
      }
      // and the live workers shared the work
      const stats = outputs.map((o) => /stats (\w+) tasks=(\d+) jobs=(\d+)/.exec(o));
      expect(stats.every(Boolean), outputs.join('\n')).toBe(true);
      for (const s of stats) {
        expect(Number(s![2])).toBeGreaterThan(0);
        expect(Number(s![3])).toBeGreaterThan(0);
      }
      console.log(`multi-worker: ${stats.map((s) => `${s![1]} completed ${s![2]} tasks and ran ${s![3]} jobs`).join('; ')}; w3 killed after 8 s; ${timersFired} timers fired`);
      expect(timersFired).toBeGreaterThan(0);
    } finally {
      await starter.close();
      await store.close();
      await dropSchema(schema);
    }
  }, 300_000);
});
