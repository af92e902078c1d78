/**
 * The soak: worker processes on one PostgreSQL schema run thousands of
 * cases of the three standard SOPs with accelerated time, each worker also
 * acting as the people and outside systems of its share of the cases (see
 * worker.mts and plan.ts). At the end: every case finished or waiting where
 * its scenario says, every audit chain verifies, the task counts match the
 * workers' own tally, no due timer or job is left, and no worker's heap grew
 * after the warm-up.
 *
 * The normal `npm test` runs a short form; `npm run soak` the full one
 * (SOAK=full). Environment variables (README.md beside this file):
 *
 *   SOAK=full             full defaults: 20,000 cases, 4 workers, 900× time
 *   SOAK_CASES            number of cases (short form 120)
 *   SOAK_WORKERS          worker processes (short form 2)
 *   SOAK_SPEED            engine ms per real ms (short form 14,400: four engine hours a second)
 *   SOAK_MAX_ACTIVE       cases a worker drives at once; it starts the next when one is done (short 100, full 400)
 *   SOAK_SAMPLE_MS        how often a worker samples its memory, real ms (short 1,000, full 5,000)
 *   SOAK_HEAP_FACTOR      allowed heap late in the run and at the end ÷ heap after warm-up, all after a full GC (1.5)
 *   SOAK_ROUND_MS         shortest time between two rounds of a worker's people, real ms (short 50, full 200)
 *   SOAK_TIMEOUT_S        give up after this many real seconds (short 120, full 5,400)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createEngine, VirtualClock } from '@sopflow/engine';
import { nodeSha256 } from '@sopflow/engine/node';
import { dropSchema, PG_URL, pgUnavailable, randomSchema } from '../../packages/store-postgres/test/support.js';
import { planOf } from './plan.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const full = process.env.SOAK === 'full';
const env = (name: string, short: number, long: number) => {
  const text = process.env[name];
  if (text === undefined || text === '') return full ? long : short;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}='${text}': expected a positive number.`);
  return value;
};
const CASES = env('SOAK_CASES', 120, 20_000);
const WORKERS = env('SOAK_WORKERS', 2, 4);
const SPEED = env('SOAK_SPEED', 14_400, 900);
const MAX_ACTIVE = env('SOAK_MAX_ACTIVE', 100, 400);
const SAMPLE_MS = env('SOAK_SAMPLE_MS', 1_000, 5_000);
const HEAP_FACTOR = env('SOAK_HEAP_FACTOR', 1.5, 1.5);
const ROUND_MS = env('SOAK_ROUND_MS', 50, 200);
const TIMEOUT_S = env('SOAK_TIMEOUT_S', 120, 5_400);
const START = Date.parse('2026-11-23T09:00:00+08:00');
const SOPS = ['order-handling/order-handling.bpmn', 'complaint-escalation/complaint-escalation.bpmn', 'cross-department-approval/cross-department-approval.bpmn'];

interface Sample {
  label: string;
  ms: number;
  started: number;
  settled: number;
  rss: number;
  heap: number;
}

interface Worker {
  name: string;
  child: ChildProcess;
  samples: Sample[];
  progress: string;
  actorsDone: boolean;
  tally?: { started: Record<string, number>; completed: Record<string, number>; correlated: number; finished: number; leftWaiting: number; incidents: number; retries: number; handlerRuns: Record<string, number>; engineErrors: number; maxLagMs: number; commits: { count: number; conflicts: number; ms: number } };
  exited: Promise<number | null>;
  output: string[];
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const log = (line: string) => process.stdout.write(`soak: ${line}\n`);

function spawnWorker(index: number, schema: string, realStart: number): Worker {
  const name = `w${index + 1}`;
  const options = { url: PG_URL, schema, name, index, workers: WORKERS, cases: CASES, speed: SPEED, start: START, realStart, maxActive: MAX_ACTIVE, sampleMs: SAMPLE_MS, roundMs: ROUND_MS };
  const child = spawn(process.execPath, ['--expose-gc', '--conditions=source', '--import', 'tsx', 'test/soak/worker.mts', JSON.stringify(options)], { cwd: repo, stdio: ['pipe', 'pipe', 'pipe'] });
  const worker: Worker = { name, child, samples: [], progress: '', actorsDone: false, output: [], exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  let buffer = '';
  const onLine = (line: string) => {
    const [kind, , ...rest] = line.split(' ');
    if (kind === 'mem') {
      const [label, ms, started, settled, rss, heap] = rest;
      worker.samples.push({ label, ms: Number(ms), started: Number(started), settled: Number(settled), rss: Number(rss), heap: Number(heap) });
    } else if (kind === 'progress') worker.progress = rest.join(' ');
    else if (kind === 'actors-done') worker.actorsDone = true;
    else if (kind === 'tally') worker.tally = JSON.parse(line.slice('tally '.length));
    else worker.output.push(line);
  };
  child.stdout!.on('data', (data: Buffer) => {
    buffer += data.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      onLine(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  });
  child.stderr!.on('data', (data: Buffer) => worker.output.push(data.toString()));
  return worker;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
};

/**
 * A worker's heap (each sample after a full GC) after the warm-up — while it
 * started the second quarter of its share — and late in the run — from three
 * quarters started until every case settled — as medians, and at the end.
 * The cases in flight are about as many in both windows (maxActive), so a
 * heap that grows with the cases run shows as late > warm.
 */
function heapWindows(worker: Worker, share: number) {
  const run = worker.samples.filter((s) => s.label === 'run');
  const between = (from: number, to: number) => run.filter((s) => s.started >= from && s.started < to).map((s) => s.heap);
  let warm = between(share / 4, share / 2);
  if (!warm.length) warm = run.filter((s) => s.started >= share / 4).slice(0, 1).map((s) => s.heap);
  const late = run.filter((s) => s.started >= (3 * share) / 4 && s.settled < share).map((s) => s.heap);
  const final = worker.samples.find((s) => s.label === 'final')!;
  return { warm: warm.length ? median(warm) : final.heap, warmSamples: warm.length, late: late.length ? median(late) : final.heap, lateSamples: late.length, final };
}

describe.skipIf(pgUnavailable)('soak', () => {
  it(`should run ${CASES} cases of the three SOPs on ${WORKERS} workers with ${SPEED}× time, losing nothing, with the memory of each worker flat after warm-up`, async () => {
    // given: a schema with the three SOPs deployed
    const schema = randomSchema();
    const { createPostgresStore } = await import('@sopflow/store-postgres');
    const store = await createPostgresStore({ connectionString: PG_URL, schema, poolSize: 4 });
    const calendars = JSON.parse(readFileSync(`${repo}examples/calendars.json`, 'utf8')).calendars;
    const checker = createEngine({ store, clock: new VirtualClock(START), hash: nodeSha256, calendars, timeZone: 'Asia/Shanghai', scheduler: false });
    const sql = new pg.Client({ connectionString: PG_URL });
    await sql.connect();
    await sql.query(`SET search_path TO "${schema}"`);
    const workers: Worker[] = [];
    const t0 = Date.now();
    try {
      for (const file of SOPS) await checker.deploy(readFileSync(`${repo}examples/${file}`));

      // when: the workers run every case to its end (or to where it is left waiting)
      log(`${CASES} cases, ${WORKERS} workers, ${SPEED}× time (an engine hour every ${(3_600 / SPEED).toFixed(2)} s), at most ${MAX_ACTIVE} cases in flight per worker; schema ${schema}`);
      const realStart = Date.now() + 1_000;
      for (let i = 0; i < WORKERS; i++) workers.push(spawnWorker(i, schema, realStart));
      const deadline = Date.now() + TIMEOUT_S * 1000;
      let lastLog = 0;
      for (;;) {
        const dead = workers.find((w) => w.child.exitCode !== null);
        if (dead) throw new Error(`worker ${dead.name} exited early (code ${dead.child.exitCode}):\n${dead.output.join('\n')}`);
        if (workers.every((w) => w.actorsDone)) break;
        if (Date.now() > deadline) throw new Error(`the soak did not finish in ${TIMEOUT_S} s:\n${workers.map((w) => `${w.name} ${w.progress}\n${w.output.join('\n')}`).join('\n')}`);
        if (Date.now() - lastLog >= 5_000) {
          lastLog = Date.now();
          const heap = workers.map((w) => (w.samples.length ? mb(w.samples.at(-1)!.heap) : '-')).join(' / ');
          log(`${((Date.now() - t0) / 1000).toFixed(0)} s — ${workers.map((w) => `${w.name} ${w.progress}`).join('; ')} — heap ${heap}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      // Every worker's people are done; the schedulers finish what is due, then stop.
      const runSeconds = (Date.now() - t0) / 1000;
      const engineNow = START + (Date.now() - realStart) * SPEED;
      for (const w of workers) w.child.stdin!.end('stop\n');
      const codes = await Promise.all(workers.map((w) => w.exited));
      expect(codes, workers.map((w) => w.output.join('\n')).join('\n')).toEqual(workers.map(() => 0));
      log(`all cases settled after ${runSeconds.toFixed(1)} s (engine time ${new Date(engineNow).toISOString()}); checking`);

      // then: every case exists once and is where its scenario says
      const instances = (await sql.query<{ id: string; process_id: string; business_key: string; status: string; incidents: number }>('SELECT id, process_id, business_key, status, incidents FROM instances')).rows;
      expect(instances).toHaveLength(CASES);
      const byKey = new Map(instances.map((i) => [i.business_key, i]));
      expect(byKey.size).toBe(CASES);
      const ends = new Map<string, Set<string>>();
      for (const r of (await sql.query<{ instance_id: string; node: string }>(`SELECT DISTINCT instance_id, node FROM audit WHERE type = 'node.left' AND node LIKE 'EndEvent%'`)).rows) {
        if (!ends.has(r.instance_id)) ends.set(r.instance_id, new Set());
        ends.get(r.instance_id)!.add(r.node);
      }
      const entered = new Map<string, number>();
      for (const r of (await sql.query<{ instance_id: string; node: string; n: number }>(`SELECT instance_id, node, count(*)::int AS n FROM audit WHERE type = 'node.entered' GROUP BY 1, 2`)).rows) entered.set(`${r.instance_id} ${r.node}`, r.n);
      const open = new Map<string, string[]>();
      for (const r of (await sql.query<{ instance_id: string; node: string }>('SELECT instance_id, node FROM tasks ORDER BY node')).rows) open.set(r.instance_id, [...(open.get(r.instance_id) ?? []), r.node]);
      const wrong: string[] = [];
      const variants: Record<string, number> = {};
      for (let i = 0; i < CASES; i++) {
        const plan = planOf(i);
        variants[plan.variant] = (variants[plan.variant] ?? 0) + 1;
        const instance = byKey.get(plan.key);
        if (!instance) {
          wrong.push(`${plan.key} (${plan.variant}): no instance`);
          continue;
        }
        const actual = {
          status: instance.status,
          incidents: instance.incidents,
          reached: plan.expected.reached.filter((n) => ends.get(instance.id)?.has(n)),
          notReached: plan.expected.notReached.filter((n) => !ends.get(instance.id)?.has(n)),
          entered: Object.fromEntries(Object.keys(plan.expected.entered).map((n) => [n, entered.get(`${instance.id} ${n}`) ?? 0])),
          waitingAt: open.get(instance.id) ?? [],
        };
        const expected = { status: plan.expected.status, incidents: 0, reached: plan.expected.reached, notReached: plan.expected.notReached, entered: plan.expected.entered, waitingAt: plan.expected.waitingAt ?? [] };
        if (JSON.stringify(actual) !== JSON.stringify(expected)) wrong.push(`${plan.key} (${plan.variant}) ${instance.id}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
      }
      expect(wrong.slice(0, 20), `${wrong.length} cases are not where their scenario says`).toEqual([]);

      // every audit chain verifies
      const ids = instances.map((i) => i.id);
      const problems: unknown[] = [];
      for (let k = 0; k < ids.length; k += 8) {
        const results = await Promise.all(ids.slice(k, k + 8).map((id) => checker.audit.verify(id)));
        for (const r of results) problems.push(...r.problems);
      }
      expect(problems.slice(0, 10)).toEqual([]);

      // the task counts in the store match the workers' own tally
      const tallies = workers.map((w) => w.tally!);
      const sum = (pick: (t: NonNullable<Worker['tally']>) => Record<string, number>) => {
        const total: Record<string, number> = {};
        for (const t of tallies) for (const [k, v] of Object.entries(pick(t))) total[k] = (total[k] ?? 0) + v;
        return total;
      };
      const completedByNode: Record<string, number> = {};
      for (const r of (await sql.query<{ process_id: string; node: string; n: number }>(`SELECT process_id, node, count(*)::int AS n FROM audit WHERE type = 'task.completed' GROUP BY 1, 2`)).rows) completedByNode[`${r.process_id} ${r.node}`] = r.n;
      expect(completedByNode).toEqual(sum((t) => t.completed));
      // and the store agrees with itself: every task created was completed, cancelled, or is open
      const lifecycle = (await sql.query<{ node: string; created: number; completed: number; cancelled: number }>(
        `SELECT node, count(*) FILTER (WHERE type = 'task.created')::int AS created, count(*) FILTER (WHERE type = 'task.completed')::int AS completed, count(*) FILTER (WHERE type = 'task.cancelled')::int AS cancelled FROM audit WHERE type IN ('task.created', 'task.completed', 'task.cancelled') GROUP BY node`,
      )).rows;
      const openByNode: Record<string, number> = {};
      for (const nodes of open.values()) for (const n of nodes) openByNode[n] = (openByNode[n] ?? 0) + 1;
      for (const row of lifecycle) expect({ node: row.node, created: row.created }).toEqual({ node: row.node, created: row.completed + row.cancelled + (openByNode[row.node] ?? 0) });
      const startedByProcess: Record<string, number> = {};
      for (const i of instances) startedByProcess[i.process_id] = (startedByProcess[i.process_id] ?? 0) + 1;
      expect(startedByProcess).toEqual(sum((t) => t.started));
      const delivered = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE type = 'message.received' AND node = 'Task_TrackDelivery'`)).rows[0].n;
      expect(delivered).toBe(tallies.reduce((n, t) => n + t.correlated, 0));
      expect(tallies.reduce((n, t) => n + t.finished, 0)).toBe(instances.filter((i) => i.status === 'completed').length);
      // every job ran at least once for each completion (delivery is at least once), and none is left
      const jobs = (await sql.query<{ node: string; n: number }>(`SELECT node, count(*)::int AS n FROM audit WHERE type = 'job.completed' GROUP BY node`)).rows;
      const runs = sum((t) => t.handlerRuns);
      const typeOf: Record<string, string> = { Task_ValidateOrder: 'validate-order', Task_Ship: 'ship-parcel', Task_CheckTracking: 'check-tracking', Task_NotifyDepartmentHead: 'notify-department-head', Task_HandOverToQualityManagers: 'notify-quality', Task_Archive: 'archive-request', Task_NotifyRiskControl: 'notify-risk-control' };
      for (const { node, n } of jobs) expect({ node, enough: (runs[typeOf[node]] ?? 0) >= n }).toEqual({ node, enough: true });
      expect((await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM jobs')).rows[0].n).toBe(0);
      // no timer that was due well before the end is left unfired (two leases of margin)
      const overdue = (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM timers WHERE due < $1', [engineNow - 2 * 2_000 * SPEED])).rows[0].n;
      expect(overdue).toBe(0);

      // nothing done twice: each task and each job completed once, each timer fired at most once per due time and never before it
      const twice = async (type: string, key: string) =>
        (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM audit WHERE type = $1 GROUP BY instance_id, ${key} HAVING count(*) > 1) AS x`, [type])).rows[0].n;
      expect({ tasks: await twice('task.completed', `data::json->>'task'`), jobs: await twice('job.completed', `data::json->>'job'`), timers: await twice('timer.fired', `data::json->>'timer', data::json->>'due'`) }).toEqual({ tasks: 0, jobs: 0, timers: 0 });
      const early = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE type = 'timer.fired' AND occurred_at < (data::json->>'due')::bigint`)).rows[0].n;
      expect(early).toBe(0);
      const firings = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit WHERE type = 'timer.fired'`)).rows[0].n;
      expect(firings).toBeGreaterThan(0);

      // nothing stopped at an incident, nothing reported engine.error
      expect(tallies.map((t) => t.incidents)).toEqual(tallies.map(() => 0));
      expect(tallies.map((t) => t.engineErrors)).toEqual(tallies.map(() => 0));

      // memory: each worker's heap late in the run and at the end (after a full GC) is at most HEAP_FACTOR × its heap after warm-up
      const share = Math.ceil(CASES / WORKERS);
      for (const w of workers) {
        const m = heapWindows(w, share);
        const heaps = w.samples.map((s) => (s.heap / 1048576).toFixed(1)).join(' ');
        log(`${w.name}: heap after warm-up ${mb(m.warm)} (median of ${m.warmSamples}), late in the run ${mb(m.late)} (median of ${m.lateSamples}), at the end ${mb(m.final.heap)}; RSS at the end ${mb(m.final.rss)}; samples (MB) ${heaps}`);
        expect(m.late, `${w.name} heap grew from ${mb(m.warm)} to ${mb(m.late)} late in the run`).toBeLessThanOrEqual(m.warm * HEAP_FACTOR);
        expect(m.final.heap, `${w.name} heap grew from ${mb(m.warm)} to ${mb(m.final.heap)} at the end`).toBeLessThanOrEqual(m.warm * HEAP_FACTOR);
      }
      const completed = Object.values(completedByNode).reduce((a, b) => a + b, 0);
      log(`tasks completed by node: ${JSON.stringify(completedByNode)}; ${firings} timer firings, none twice or early`);
      for (const t of tallies) log(`${(t as { name?: string }).name}: ${Object.values(t.started).reduce((a, b) => a + b, 0)} cases started, ${Object.values(t.completed).reduce((a, b) => a + b, 0)} tasks completed, ${t.commits.count} commits (${t.commits.conflicts} revision conflicts, ${(t.commits.ms / Math.max(1, t.commits.count)).toFixed(0)} ms each on average)`);
      log(
        `${CASES} cases (${Object.entries(variants).map(([v, n]) => `${v} ${n}`).join(', ')}); ${completed} tasks completed, ${delivered} parcels delivered, ${Object.values(runs).reduce((a, b) => a + b, 0)} handler runs, ${tallies.reduce((n, t) => n + t.retries, 0)} retried calls, ${tallies.reduce((n, t) => n + t.engineErrors, 0)} engine.error events; ${runSeconds.toFixed(1)} s to settle (${(CASES / runSeconds).toFixed(1)} cases/s), ${((Date.now() - t0) / 1000).toFixed(1)} s in all; scheduler at most ${Math.round(Math.max(...tallies.map((t) => t.maxLagMs)) / 60_000)} engine minutes late`,
      );
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
      await sql.end();
      await checker.close();
      await store.close();
      await dropSchema(schema);
    }
  }, (TIMEOUT_S + 180) * 1000);
});
