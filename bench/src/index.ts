/**
 * `npm run bench [-- --quick] [-- --only=review,heap]`: builds
 * `@sopflow/engine` and the store, lint and CLI packages the selected cases
 * use, each when a source is newer than its build, then runs
 * sopflow, bpmn-engine and a hand-written xstate floor side by side in this
 * one process (store cases fork worker processes), prints a table and
 * writes `bench/results.json` (`bench/results.quick.json` with `--quick`).
 * Exits non-zero when a case did not run or produced no numbers; a
 * PostgreSQL case without a reachable server is skipped, unless CI=true.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build as buildPackage, stale } from './builds.js';
import { CASE_IDS, CASE_PACKAGES, type CaseId } from './caseIds.js';
import { markdownTable, textTable } from './table.js';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(BENCH_DIR, '..');

const USAGE = `usage: npm run bench [-- --quick] [-- --only=<case,…>]

  --quick        CI smoke run: small sizes, 0.6 s per throughput window; fails unless every case produced numbers
  --only=<ids>   run some cases: sequence, review, parallel, multi-instance, compile, heap, long-sequence,
                 nesting, timers, sqlite-steps, sqlite-waiting, sqlite-timers, postgres, postgres-waiting,
                 postgres-timers, validate, soundness
  --help         this text

  SOPFLOW_PG_URL  PostgreSQL for the postgres* cases (default postgres://postgres@127.0.0.1:5432/test);
                  unreachable: the case is skipped, or fails the run when CI=true`;

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

/** The workspace name of each package folder a case may need. */
const PACKAGE_NAMES: Record<string, string> = {
  'store-sqlite': '@sopflow/store-sqlite',
  'store-postgres': '@sopflow/store-postgres',
  lint: 'bpmnlint-plugin-sopflow',
  cli: '@sopflow/cli',
};

/**
 * Builds @sopflow/engine when its build is older than its sources (the
 * bench never measures a stale engine; exits when that fails), then each
 * other package the cases need whose build is older than its sources, in
 * dependency order. Returns the folders
 * whose build failed (their cases are not run: they would measure a stale build).
 */
function buildPackages(folders: string[]): { ms: number; failed: Map<string, string> } {
  let ms = 0;
  if (stale('engine')) {
    const engine = buildPackage('@sopflow/engine', log);
    if (engine.error) {
      log(`${engine.error}; nothing was measured.`);
      process.exit(1);
    }
    ms += engine.ms;
  } else log('@sopflow/engine: its build is newer than its sources');
  const failed = new Map<string, string>();
  for (const folder of ['lint', 'store-sqlite', 'store-postgres', 'cli']) {
    if (!folders.includes(folder)) continue;
    if (!stale(folder)) {
      log(`${PACKAGE_NAMES[folder]}: its build is newer than its sources`);
      continue;
    }
    const result = buildPackage(PACKAGE_NAMES[folder], log);
    ms += result.ms;
    if (result.error) failed.set(folder, result.error);
  }
  return { ms, failed };
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
  const known: readonly string[] = CASE_IDS;
  const only = flags.only ?? [...CASE_IDS];
  const unknown = only.filter((id) => !known.includes(id));
  if (unknown.length) {
    console.error(`Unknown case '${unknown.join("', '")}'.\n${USAGE}`);
    process.exit(2);
  }
  const built = buildPackages([...new Set(only.flatMap((id) => CASE_PACKAGES[id as CaseId] ?? []))]);
  const buildMs = built.ms;
  const entry = engineEntry();
  // Imported only now: the suite loads @sopflow/engine, which must be the fresh build.
  const { FULL, QUICK, problemsOf, runSuite } = await import('./suite.js');
  const unbuilt = CASE_IDS.filter((id) => only.includes(id) && (CASE_PACKAGES[id] ?? []).some((f) => built.failed.has(f)));
  const cases = CASE_IDS.filter((id) => only.includes(id) && !unbuilt.includes(id));
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
      'better-sqlite3': packageVersion('node_modules/better-sqlite3'),
      pg: packageVersion('node_modules/pg'),
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
  const skipped = results.filter((r) => r.skipped);
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
  if (skipped.length) {
    console.log('\nSkipped');
    for (const r of skipped) console.log(`  - ${r.id}: ${r.skipped}`);
  }

  const problems = [
    ...unbuilt.map((id) => `case '${id}' not run: ${(CASE_PACKAGES[id] ?? []).map((f) => built.failed.get(f)).filter(Boolean).join('; ')}`),
    ...problemsOf(results, cases, process.env.CI === 'true'),
  ];
  const file = join(BENCH_DIR, flags.quick ? 'results.quick.json' : 'results.json');
  const report = {
    mode: flags.quick ? 'quick' : 'full',
    date: new Date().toISOString(),
    ...environment,
    buildMs: Math.round(buildMs),
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    sizes,
    cases: results.map(({ id, title, data, targets: t, notes: n, errors, skipped: s, seconds }) => ({ id, title, seconds, data, targets: t, notes: n, errors, ...(s ? { skipped: s } : {}) })),
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
