/**
 * `npm run anatomy -w bench [-- --seconds=N]`: where one user task → gateway
 * instance's time and memory go, part by part. The parts — the token game
 * alone, the same two steps through the xstate machine, the audit chain of
 * the instance's 13 events, the whole engine with its store — are measured
 * by anatomyParts.ts three ways: time per instance (median of five
 * interleaved rounds), bytes allocated per instance (V8's sampling heap
 * profiler, collected objects included) and the main thread's
 * garbage-collection pause per instance. The pure parts run together in one
 * child process; each engine row runs in a child of its own (a store that
 * keeps every finished instance would weigh on the other rows'
 * collections), once as is and once under `--no-allocation-site-pretenuring`.
 * Builds @sopflow/engine first when its sources are newer than its build.
 * Prints a table; asserts nothing about speed.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Group, Row } from './anatomyParts.js';
import { build, stale } from './builds.js';
import { formatCount } from './table.js';

const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'anatomyParts.ts');
const log = (line: string) => process.stderr.write(`${line}\n`);

/** Measures one group in a child process with extra node flags. */
function measureGroup(group: Group, seconds: number, nodeFlags: string[] = []): Row[] {
  const child = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', CHILD, `--part=${group}`, `--seconds=${seconds}`], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (child.status !== 0) throw new Error(`anatomy: measuring '${group}' (${nodeFlags.join(' ') || 'default flags'}) failed with exit ${child.status ?? child.signal}:\n${child.stderr.slice(-2000)}`);
  const rows = JSON.parse(child.stdout) as Row[];
  return nodeFlags.length ? rows.map((row) => ({ ...row, part: `${row.part}, node ${nodeFlags.join(' ')}` })) : rows;
}

function parseSeconds(argv: string[]): number {
  const flag = argv.find((a) => a.startsWith('--seconds='));
  const seconds = flag ? Number(flag.slice('--seconds='.length)) : 10;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`anatomy: --seconds must be a positive number, got '${flag}'.`);
  return seconds;
}

function fmt(value: number): string {
  return value >= 100 ? formatCount(value) : value.toFixed(1);
}

function main(): void {
  const seconds = parseSeconds(process.argv.slice(2));
  if (stale('engine')) {
    const built = build('@sopflow/engine', log);
    if (built.error) throw new Error(`anatomy: ${built.error}; nothing was measured.`);
  }
  console.log(`Anatomy of one user task → gateway instance (start, then complete the task), Node ${process.version}: the pure parts ${seconds} s, each engine row ${seconds / 4} s\n`);
  const rows = measureGroup('pure', seconds);
  for (const flags of [[], ['--no-allocation-site-pretenuring']]) {
    for (const group of ['bench', 'no-trail'] as const) rows.push(...measureGroup(group, seconds / 4, flags));
  }

  const width = Math.max(...rows.map((r) => r.part.length));
  console.log(`${'part'.padEnd(width)} │ µs / instance │ KB allocated │ GC pause µs`);
  console.log(`${'─'.repeat(width)}─┼───────────────┼──────────────┼────────────`);
  for (const r of rows) console.log(`${r.part.padEnd(width)} │ ${fmt(r.micros).padStart(13)} │ ${fmt(r.kilobytes).padStart(12)} │ ${fmt(r.gcMicros).padStart(11)}`);
  const [tokenGame, machine, hashed, textOnly] = rows;
  console.log(
    `\nxstate's own part (machine − token game): ${fmt(machine.micros - tokenGame.micros)} µs, ${fmt(machine.kilobytes - tokenGame.kilobytes)} KB; ` +
      `hashing (chain − text only): ${fmt(hashed.micros - textOnly.micros)} µs.\n` +
      'Times are medians of 5 rounds; the GC pause is the main thread\'s over all rounds. The engine rows ran one after another, each in its own process: compare them within a run, and across runs only with care (the machine\'s speed moves).',
  );
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
