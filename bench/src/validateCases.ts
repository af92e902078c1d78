/**
 * The tooling cases: `sopflow validate` (lint + soundness) over a folder of
 * 200 diagrams, run as the built command a CI job runs, and the soundness
 * checker on a generated 202-node diagram with 10 parallel blocks.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, parse } from '@sopflow/engine';
import { checkSoundness } from 'bpmnlint-plugin-sopflow';
import { parallelBlocksDiagram } from './diagrams.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const EXAMPLES = join(ROOT, 'examples');
/** The built `sopflow` command, as `npx sopflow` runs it. */
export const CLI_BIN = join(ROOT, 'packages', 'cli', 'dist', 'bin.js');

/** The example SOPs (`examples/<name>/<name>.bpmn`), read as they are. */
function exampleDiagrams(): Array<{ name: string; xml: string }> {
  const out: Array<{ name: string; xml: string }> = [];
  for (const name of readdirSync(EXAMPLES, { withFileTypes: true })) {
    if (!name.isDirectory()) continue;
    for (const file of readdirSync(join(EXAMPLES, name.name))) {
      if (file.endsWith('.bpmn')) out.push({ name: file.replace(/\.bpmn$/, ''), xml: readFileSync(join(EXAMPLES, name.name, file), 'utf8') });
    }
  }
  if (out.length === 0) throw new Error(`no example diagrams in ${EXAMPLES}`);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Diagram `i` of the corpus: example `i mod n` with its process ids (and
 * every reference to them) and process names made unique, so no two files
 * are the same text.
 */
function variant(example: { name: string; xml: string }, i: number): string {
  let xml = example.xml;
  const processIds = [...xml.matchAll(/<bpmn:process\b[^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
  for (const id of processIds) xml = xml.replaceAll(`"${id}"`, `"${id}_v${i}"`);
  return xml.replace(/(<bpmn:process\b[^>]*\bname=")([^"]*)"/g, `$1$2 (variant ${i})"`);
}

/** What one `sopflow validate` run over the corpus did. */
export interface ValidateRun {
  files: number;
  wallMs: number;
  exitCode: number;
  errors: number;
  warnings: number;
}

/**
 * Writes `count` diagrams (the example SOPs, varied) and the examples'
 * calendars file into a temporary folder and times `sopflow validate
 * <folder> --format json` there: a new Node process, lint and soundness of
 * every file. Throws unless it checked every file and exited 0 or 1.
 */
export function validateCorpus(count: number): ValidateRun {
  const examples = exampleDiagrams();
  const dir = mkdtempSync(join(os.tmpdir(), 'sopflow-validate-'));
  try {
    mkdirSync(join(dir, 'sops'));
    copyFileSync(join(EXAMPLES, 'calendars.json'), join(dir, 'calendars.json'));
    for (let i = 0; i < count; i++) {
      const example = examples[i % examples.length];
      writeFileSync(join(dir, 'sops', `${example.name}-${String(i + 1).padStart(3, '0')}.bpmn`), variant(example, i + 1));
    }
    const start = performance.now();
    const run = spawnSync(process.execPath, [CLI_BIN, 'validate', 'sops', '--format', 'json'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    const wallMs = performance.now() - start;
    if (run.status !== 0 && run.status !== 1) throw new Error(`sopflow validate exited with ${run.status ?? run.signal}: ${(run.stderr || run.stdout).slice(0, 400)}`);
    const files = JSON.parse(run.stdout) as Array<{ file: string; problems: Array<{ severity: string }> }>;
    if (files.length !== count) throw new Error(`sopflow validate reported ${files.length} files, expected ${count}.`);
    const problems = files.flatMap((f) => f.problems);
    return {
      files: files.length,
      wallMs,
      exitCode: run.status,
      errors: problems.filter((p) => p.severity === 'error').length,
      warnings: problems.filter((p) => p.severity !== 'error').length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One soundness measurement. */
export interface SoundnessRun {
  nodes: number;
  states: number;
  complete: boolean;
  findings: number;
  firstMs: number;
  /** Best of the warm calls after the first. */
  warmMs: number;
}

/**
 * `checkSoundness` (bpmnlint-plugin-sopflow, as `sopflow validate` and the
 * modeler call it) on the generated 10-parallel-block diagram: the first
 * call in this process, then the best of `warmCalls`. Throws unless the
 * exploration completed without findings (the diagram is sound).
 */
export async function soundnessCheck(warmCalls: number): Promise<SoundnessRun> {
  const parsed = await parse(parallelBlocksDiagram());
  const [definition] = compile(parsed.definitions, { locate: parsed.locate }).processes;
  const nodes = Object.keys(definition.nodes).length;
  let start = performance.now();
  const report = checkSoundness(definition);
  const firstMs = performance.now() - start;
  if (!report.complete || report.findings.length) throw new Error(`soundness: ${report.findings.length} findings (complete: ${report.complete}) on a sound diagram: ${report.findings.map((f) => f.message).join('; ').slice(0, 300)}`);
  let warmMs = Infinity;
  for (let i = 0; i < warmCalls; i++) {
    start = performance.now();
    checkSoundness(definition);
    warmMs = Math.min(warmMs, performance.now() - start);
  }
  return { nodes, states: report.states, complete: report.complete, findings: report.findings.length, firstMs, warmMs };
}
