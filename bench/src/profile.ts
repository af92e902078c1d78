/**
 * `npm run profile -w bench -- [sequence|review|parallel|multi-instance|timers] [--seconds=5]`:
 * builds @sopflow/engine, runs one sopflow case alone under
 * `node --cpu-prof`, and prints the functions with the most self time and
 * the share of each package. The profile is kept in `bench/profiles/`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatCount } from './table.js';

const BENCH_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = join(BENCH_DIR, '..');
const PROFILES = join(BENCH_DIR, 'profiles');
const WORKLOADS = ['sequence', 'review', 'parallel', 'multi-instance', 'timers'] as const;
type Workload = (typeof WORKLOADS)[number];

interface CpuProfile {
  nodes: Array<{ id: number; children?: number[]; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Runs the workload in this process (the child, under --cpu-prof). */
async function child(workload: Workload, seconds: number): Promise<void> {
  const sopflow = await import('./sopflowCases.js');
  const timing = { warmupMs: 1000, durationMs: seconds * 1000 };
  if (workload === 'sequence') console.log(`sequence: ${formatCount((await sopflow.sequenceThroughput(10, timing)).perSecond)}/s`);
  else if (workload === 'review') console.log(`review: ${formatCount((await sopflow.reviewThroughput(timing)).perSecond)}/s`);
  else if (workload === 'parallel') console.log(`parallel: ${formatCount((await sopflow.parallelThroughput(10, timing)).perSecond)}/s`);
  else if (workload === 'multi-instance') console.log(`multi-instance: ${formatCount((await sopflow.multiInstanceThroughput(100, timing)).perSecond)}/s`);
  else {
    const result = await sopflow.timersDueAtOnce(20_000);
    console.log(`timers: started 20,000 in ${Math.round(result.startMs)} ms, fired in ${Math.round(result.advanceMs)} ms`);
  }
}

/** Where a script URL comes from, for the per-package shares. */
function origin(url: string): string {
  if (!url) return '(native / V8)';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.includes(join('packages', 'engine', 'dist'))) return '@sopflow/engine';
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = path.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.startsWith('node:')) return 'node internals';
  if (path.includes(join('bench', 'src'))) return 'bench harness';
  return path;
}

function where(url: string, line: number): string {
  if (!url) return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  return `${path.startsWith('/') ? relative(ROOT, path) : path}:${line + 1}`;
}

/** The engine's source module of a line of its built chunk, from esbuild's `// src/…` markers (cached per file). */
const moduleMarkers = new Map<string, Array<[number, string]>>();
function engineModule(url: string, line: number): string {
  let markers = moduleMarkers.get(url);
  if (!markers) {
    markers = [];
    try {
      readFileSync(fileURLToPath(url), 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const found = /^\/\/ (src\/\S+)/.exec(text);
          if (found) markers!.push([i, found[1]]);
        });
    } catch {
      // the build was replaced since the profile was taken
    }
    moduleMarkers.set(url, markers);
  }
  let name = '(unknown module)';
  for (const [at, module] of markers) {
    if (at > line) break;
    name = module;
  }
  return name;
}

/** Self time per function, per package and per engine source folder (audit, machine, run, store…), largest first. */
export function summarise(profile: CpuProfile, top = 25): string {
  // Only the samples from the first one inside the measured loop (measure.ts' throughput) on: start-up (module loading, deploy) left out.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const inLoop = (id: number) => {
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = frames.get(at)!;
      if (frame.functionName === 'throughput' && frame.url.includes('measure.ts')) return true;
    }
    return false;
  };
  const first = profile.samples.findIndex(inLoop);
  const from = first >= 0 ? first : 0;
  const byNode = new Map<number, number>();
  for (let i = from; i < profile.samples.length; i++) byNode.set(profile.samples[i], (byNode.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const total = [...byNode.values()].reduce((a, b) => a + b, 0);
  const byFunction = new Map<string, { name: string; at: string; pkg: string; us: number }>();
  const byPackage = new Map<string, number>();
  const byFolder = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = byNode.get(node.id);
    if (!us) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const key = `${name}@${url}:${lineNumber}`;
    const pkg = url ? origin(url) : name.startsWith('(') ? name : '(native / V8)';
    const entry = byFunction.get(key) ?? { name, at: where(url, lineNumber), pkg, us: 0 };
    entry.us += us;
    byFunction.set(key, entry);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    if (pkg === '@sopflow/engine') {
      const folder = engineModule(url, lineNumber).split('/').slice(0, 2).join('/');
      byFolder.set(folder, (byFolder.get(folder) ?? 0) + us);
    }
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`total sampled: ${(total / 1000).toFixed(0)} ms${first >= 0 ? ' (from the first sample inside the measured loop)' : ''}`, '', 'self time by package:'];
  for (const [pkg, us] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12)) lines.push(`  ${pct(us)}  ${pkg}`);
  lines.push('', '@sopflow/engine by source folder (src/audit: audit chain, src/machine: token game, src/run: engine and units, src/store: MemoryStore):');
  for (const [folder, us] of [...byFolder].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(us)}  ${folder}`);
  lines.push('', `top ${top} functions by self time:`);
  for (const f of [...byFunction.values()].sort((a, b) => b.us - a.us).slice(0, top)) lines.push(`  ${pct(f.us)}  ${f.name}  (${f.pkg}${f.at ? `, ${f.at}` : ''})`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.split('=')[1] ?? 5);
  const workload = (args.find((a) => !a.startsWith('--')) ?? 'sequence') as Workload;
  if (!WORKLOADS.includes(workload)) throw new Error(`Unknown workload '${workload}': use ${WORKLOADS.join(', ')}.`);
  if (args.includes('--child')) return child(workload, seconds);

  const build = spawnSync('npm', ['run', 'build', '-w', '@sopflow/engine'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`@sopflow/engine build failed:\n${build.stdout}${build.stderr}`);
  mkdirSync(PROFILES, { recursive: true });
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--expose-gc', '--cpu-prof', `--cpu-prof-dir=${PROFILES}`, '--import', 'tsx', fileURLToPath(import.meta.url), workload, `--seconds=${seconds}`, '--child'], {
    cwd: BENCH_DIR,
    stdio: 'inherit',
  });
  if (run.status !== 0) throw new Error(`profiled run failed (exit ${run.status})`);
  const newest = readdirSync(PROFILES)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(PROFILES, f))
    .filter((f) => statSync(f).mtimeMs >= started)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) throw new Error(`no .cpuprofile written to ${PROFILES}`);
  console.log(`profile: ${relative(ROOT, newest)}\n`);
  console.log(summarise(JSON.parse(readFileSync(newest, 'utf8')) as CpuProfile));
}

// Run only as a script, so that `summarise` can be imported without profiling anything.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
