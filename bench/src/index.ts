/**
 * `npm run bench [-- --quick] [-- --only=review,heap]`: builds
 * `@sopflow/engine`, then runs sopflow, bpmn-engine and a hand-written
 * xstate floor side by side in this one process, prints a table and writes
 * `bench/results.json` (`bench/results.quick.json` with `--quick`).
 * Exits non-zero when a case did not run or produced no numbers.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownTable, textTable } from './table.js';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(BENCH_DIR, '..');

const USAGE = `usage: npm run bench [-- --quick] [-- --only=<case,…>]

  --quick        CI smoke run: small sizes, 1 s per throughput case; fails unless every case produced numbers
  --only=<ids>   run some cases: sequence, review, heap, long-sequence, timers
  --help         this text`;

interface Flags {
  quick: boolean;
  only?: string[];
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { quick: false };
  for (const arg of argv) {
    if (arg === '--quick') flags.quick = true;
    else if (arg.startsWith('--only=')) flags.only = arg.slice('--only='.length).split(',').filter(Boolean);
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`Unknown argument '${arg}'.\n${USAGE}`);
      process.exit(2);
    }
  }
  return flags;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Builds @sopflow/engine so the bench never measures a stale dist; exits on failure. */
function buildEngine(): number {
  log('building @sopflow/engine (npm run build -w @sopflow/engine)…');
  const start = performance.now();
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = spawnSync(npm, ['run', 'build', '-w', '@sopflow/engine'], { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (build.status !== 0) {
    log(`${build.stdout ?? ''}${build.stderr ?? ''}`);
    log(`The @sopflow/engine build failed (exit ${build.status ?? build.signal}); nothing was measured.`);
    process.exit(1);
  }
  log(`built in ${(ms / 1000).toFixed(1)} s`);
  return ms;
}

/** Throws unless `@sopflow/engine` resolves into the built dist (not the TypeScript sources). */
function engineEntry(): string {
  const entry = fileURLToPath(import.meta.resolve('@sopflow/engine'));
  const dist = join(ROOT, 'packages', 'engine', 'dist') + sep;
  if (!entry.startsWith(dist) || !entry.endsWith('.js')) throw new Error(`@sopflow/engine resolves to ${entry}, not to a built file in ${dist}.`);
  return entry;
}

function packageVersion(path: string): string {
  return (JSON.parse(readFileSync(join(ROOT, path, 'package.json'), 'utf8')) as { version: string }).version;
}

function gitRevision(): string {
  try {
    return execFileSync('git', ['describe', '--always', '--dirty', '--abbrev=12'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const buildMs = buildEngine();
  const entry = engineEntry();
  // Imported only now: the suite loads @sopflow/engine, which must be the fresh build.
  const { CASE_IDS, FULL, QUICK, problemsOf, runSuite } = await import('./suite.js');
  const only = flags.only ?? [...CASE_IDS];
  const unknown = only.filter((id) => !(CASE_IDS as readonly string[]).includes(id));
  if (unknown.length) {
    console.error(`Unknown case '${unknown.join("', '")}'.\n${USAGE}`);
    process.exit(2);
  }
  const cases = only as Array<(typeof CASE_IDS)[number]>;
  const sizes = flags.quick ? QUICK : FULL;
  const cpus = os.cpus();
  const environment = {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${os.release()} ${process.arch}`,
    cpu: { model: cpus[0]?.model ?? 'unknown', cores: cpus.length },
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    versions: {
      '@sopflow/engine': packageVersion('packages/engine'),
      'bpmn-engine': packageVersion('node_modules/bpmn-engine'),
      xstate: packageVersion('node_modules/xstate'),
    },
    revision: gitRevision(),
  };
  const loadAtStart = os.loadavg();
  log(`mode: ${flags.quick ? 'quick' : 'full'}; ${environment.node} on ${environment.cpu.model} (${environment.cpu.cores} cores); sopflow from ${entry}`);

  const results = await runSuite(sizes, cases, log);
  const loadAtEnd = os.loadavg();
  const busy = Math.max(loadAtStart[0], loadAtEnd[0]) > cpus.length * 0.75;

  const rows = results.map((r) => r.row);
  const targets = results.flatMap((r) => r.targets);
  const notes = [...new Set(results.flatMap((r) => r.notes))];
  console.log(`\nsopflow ${environment.versions['@sopflow/engine']} (${environment.revision}) vs bpmn-engine ${environment.versions['bpmn-engine']} vs xstate ${environment.versions.xstate} — ${flags.quick ? 'QUICK smoke run (small sizes)' : 'full run'}`);
  console.log(`${environment.node}, ${environment.cpu.model} × ${environment.cpu.cores}, ${environment.platform}`);
  console.log(`load average (1 min) at start ${loadAtStart[0].toFixed(2)}, at end ${loadAtEnd[0].toFixed(2)}${busy ? ' — other processes were competing for the CPU: absolute numbers are low and noisy; the side-by-side ratios hold better' : ''}`);
  console.log(`throughput: best of ${sizes.rounds} interleaved window(s) of ${sizes.durationMs / 1000} s after ${sizes.warmupMs / 1000} s warm-up, one instance at a time\n`);
  console.log(textTable(rows));
  if (targets.length) {
    console.log('\nTargets');
    for (const t of targets) console.log(`  ${t.met ? 'met    ' : 'NOT met'}  ${t.goal}: ${t.actual}`);
  }
  if (notes.length) {
    console.log('\nNotes');
    for (const note of notes) console.log(`  - ${note}`);
  }

  const problems = problemsOf(results, cases);
  const file = join(BENCH_DIR, flags.quick ? 'results.quick.json' : 'results.json');
  const report = {
    mode: flags.quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    ...environment,
    buildMs: Math.round(buildMs),
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    sizes,
    cases: results.map(({ id, title, data, targets: t, notes: n, errors }) => ({ id, title, data, targets: t, notes: n, errors })),
    targets,
    problems,
    markdown: markdownTable(rows),
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${file}`);

  if (problems.length) {
    console.error(`\nFAILED: ${problems.length} problem(s):`);
    for (const p of problems) console.error(`  - ${p}`);
    process.exit(1);
  }
  // Do not wait for stray handles of the engines under test (e.g. a bpmn-engine stopped by a stack overflow).
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
