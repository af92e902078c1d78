/**
 * Measures @sopflow/store-sqlite under the real engine (VirtualClock,
 * deterministic ids, node:crypto SHA-256 for the audit chain):
 *
 *   1. committed steps per second: start → 5 user tasks one after another → end;
 *   2. 100,000 waiting cases: file size, one group's first 50 tasks, process RSS;
 *   3. 100,000 timers due at once fired by one clock.advance('PT1H').
 *
 * Run from the repository root:
 *   node --conditions=source --import tsx packages/store-sqlite/bench/measure.ts [--cases=100000] [--seconds=10] [--synchronous=normal|full] [--store=memory] [--checkpoint=inline] [--only=steps,waiting,timers]
 *
 * It reads the wall clock and the file system: it is a measuring tool, not a test.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createEngine, MemoryStore, VirtualClock, type Engine, type Store } from '@sopflow/engine';
import { openSqliteStore, type SqliteStore } from '../src/index.js';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const CASES = Number(args.cases ?? 100_000);
const SECONDS = Number(args.seconds ?? 10);
const SYNCHRONOUS = (args.synchronous ?? 'normal') as 'full' | 'normal';
const ONLY = new Set((args.only ?? 'steps,waiting,timers').split(','));
// --store=memory runs the same workload on MemoryStore: the engine's own cost, for comparison.
const MEMORY = args.store === 'memory';
// --checkpoint=inline turns the background checkpoint thread off (SQLite checkpoints inside commits).
const INLINE_CHECKPOINTS = args.checkpoint === 'inline';

const T0 = Date.parse('2026-01-05T09:00:00Z');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
/** Resident set size after forced full collections. */
function rssAfterGc(): NodeJS.MemoryUsage {
  for (let n = 0; n < 3; n++) gc();
  return process.memoryUsage();
}
// What the process holds before any case (node, the tsx loader, the engine's modules).
const RSS_AT_START = rssAfterGc().rss;

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="measure">\n';

/** start → `tasks` user tasks for the group in variable `group` → end. */
function userTasks(processId: string, tasks: number): string {
  const parts = [HEADER, `<bpmn:process id="${processId}" isExecutable="true"><bpmn:startEvent id="start"/>`];
  let previous = 'start';
  for (let i = 1; i <= tasks; i++) {
    parts.push(`<bpmn:sequenceFlow id="f${i}" sourceRef="${previous}" targetRef="task${i}"/><bpmn:userTask id="task${i}" name="Step ${i}" sop:candidateGroups="=group"/>`);
    previous = `task${i}`;
  }
  parts.push(`<bpmn:sequenceFlow id="fEnd" sourceRef="${previous}" targetRef="end"/><bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>`);
  return parts.join('\n');
}

const TIMER = `${HEADER}<bpmn:process id="timer" isExecutable="true"><bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>
<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/><bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>`;

interface Harness {
  engine: Engine;
  clock: VirtualClock;
  store: Store;
  sqlite?: SqliteStore;
  path: string;
  commits(): number;
  completed(): number;
  done(): Promise<void>;
}

async function harness(xml: string): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'sopflow-measure-'));
  const path = join(dir, 'sopflow.db');
  const sqlite = MEMORY ? undefined : openSqliteStore(path, { synchronous: SYNCHRONOUS, ...(INLINE_CHECKPOINTS ? { checkpointIntervalMs: 0 } : {}) });
  const store: Store = sqlite ?? new MemoryStore();
  let commits = 0;
  const commit = store.commit.bind(store);
  store.commit = (c) => {
    commits++;
    return commit(c);
  };
  const clock = new VirtualClock(T0);
  let next = 0;
  let completed = 0;
  const engine = createEngine({ store, clock, ids: () => `i${++next}`, hash: sha256, workerId: 'measure' });
  engine.on('instance.completed', () => completed++);
  const deployed = await engine.deploy(xml);
  if (deployed.warnings.length) throw new Error(deployed.warnings.map((w) => w.message).join('; '));
  return {
    engine,
    clock,
    store,
    ...(sqlite ? { sqlite } : {}),
    path,
    commits: () => commits,
    completed: () => completed,
    done: async () => {
      await engine.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const fileSize = (path: string) => statSync(path, { throwIfNoEntry: false })?.size ?? 0;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * 1. One case = start + 5 completions = 6 commits, one second of virtual time
 * apart (time passes between steps, as it does in production). Counted for
 * `SECONDS` after a 2 s warm-up.
 */
async function steps(): Promise<void> {
  const h = await harness(userTasks('five', 5));
  const runCase = async (i: number) => {
    const group = `g${i % 100}`;
    let view = await h.engine.start('five', { variables: { group } });
    for (let t = 0; t < 5; t++) {
      await h.clock.advance(1000);
      const task = view.activities[0]?.task ?? (await h.engine.tasks({ instanceId: view.id, limit: 1 })).items[0]?.id;
      if (!task) throw new Error(`case ${view.id}: no open task at step ${t + 1}`);
      await h.engine.complete(task, { by: { id: 'measure', groups: [group] } });
      view = { ...view, activities: [] };
    }
  };
  let i = 0;
  const warmEnd = performance.now() + 2000;
  while (performance.now() < warmEnd) await runCase(i++);
  const commits0 = h.commits();
  const cases0 = h.completed();
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < SECONDS * 1000) await runCase(i++);
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const commits = h.commits() - commits0;
  const cases = h.completed() - cases0;
  if (commits !== cases * 6) throw new Error(`expected 6 commits per case: ${commits} commits for ${cases} cases`);
  console.log(`1. steps: ${fmt(commits / seconds)} committed steps/s (${fmt(cases / seconds)} cases/s; ${fmt(commits)} steps in ${seconds.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; ${MEMORY ? 'MemoryStore' : `synchronous=${SYNCHRONOUS}${INLINE_CHECKPOINTS ? ', inline checkpoints' : ''}`})`);
  await h.done();
}

/** 2. `CASES` cases each waiting at a user task of group g<i % 100>. */
async function waiting(): Promise<void> {
  const h = await harness(userTasks('one', 1));
  const start = performance.now();
  for (let i = 0; i < CASES; i++) await h.engine.start('one', { variables: { group: `g${i % 100}` } });
  const startSeconds = (performance.now() - start) / 1000;
  h.sqlite?.db.pragma('wal_checkpoint(TRUNCATE)');
  const open = await h.engine.tasks({ limit: 1 });
  if (open.total !== CASES) throw new Error(`${open.total} open tasks for ${CASES} cases`);
  const times: number[] = [];
  for (let n = 0; n < 200; n++) {
    const t = performance.now();
    const page = await h.engine.tasks({ candidateGroups: ['g7'], limit: 50 });
    times.push(performance.now() - t);
    if (page.items.length !== 50 || page.total !== CASES / 100) throw new Error(`g7: ${page.items.length} items, total ${page.total}`);
  }
  const many: number[] = [];
  for (let n = 0; n < 50; n++) {
    const t = performance.now();
    await h.engine.tasks({ candidateGroups: ['g7', 'g8', 'g9'], limit: 50 });
    many.push(performance.now() - t);
  }
  const rss = rssAfterGc();
  console.log(
    `2. waiting: ${fmt(CASES)} cases started in ${startSeconds.toFixed(1)} s (${fmt(CASES / startSeconds)} steps/s); file ${mb(fileSize(h.path))} (+ ${mb(fileSize(`${h.path}-wal`))} WAL); ` +
      `tasks({ candidateGroups: ['g7'], limit: 50 }) median ${median(times).toFixed(2)} ms (3 groups: ${median(many).toFixed(2)} ms); ` +
      `RSS after GC ${mb(rss.rss)} (${mb(RSS_AT_START)} before the first case; V8 heap used ${mb(rss.heapUsed)}, external ${mb(rss.external)})`,
  );
  await h.done();
}

/** 3. `CASES` cases waiting on a PT1H timer, fired by one advance. */
async function timers(): Promise<void> {
  const h = await harness(TIMER);
  const start = performance.now();
  for (let i = 0; i < CASES; i++) await h.engine.start('timer');
  const startSeconds = (performance.now() - start) / 1000;
  if ((await h.store.nextTimerDue()) !== T0 + 3_600_000) throw new Error('timers not due at PT1H');
  const commits = h.commits();
  const fire = performance.now();
  await h.clock.advance('PT1H');
  const fireSeconds = (performance.now() - fire) / 1000;
  if (h.completed() !== CASES) throw new Error(`${h.completed()} of ${CASES} cases completed`);
  if ((await h.store.nextTimerDue()) !== undefined) throw new Error('timers left');
  console.log(`3. timers: ${fmt(CASES)} cases started in ${startSeconds.toFixed(1)} s; all timers fired in ${fireSeconds.toFixed(1)} s (${fmt(CASES / fireSeconds)} timers/s, ${fmt(h.commits() - commits)} commits)`);
  await h.done();
}

if (ONLY.has('steps')) await steps();
if (ONLY.has('waiting')) await waiting();
if (ONLY.has('timers')) await timers();
