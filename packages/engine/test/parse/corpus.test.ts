/**
 * Every diagram of the shared corpus of real BPMN files (drawn by others,
 * some deliberately broken) is parsed from its bytes, in place. Each must
 * either parse or be refused with a BpmnParseError whose problems say what
 * and where; nothing else may escape.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BpmnParseError, type Problem } from '../../src/errors.js';
import { parse } from '../../src/parse/index.js';

import { CORPUS, corpusAvailable } from '../../../../test/support/corpus.js';

/** `.bpmn`, and Camunda's `.bpmn20.xml`. */
const BPMN_FILE = /\.bpmn(?:20\.xml)?$/i;

type Outcome =
  | { file: string; kind: 'clean' }
  | { file: string; kind: 'warnings'; problems: Problem[] }
  | { file: string; kind: 'refused'; problems: Problem[] }
  | { file: string; kind: 'crashed'; error: unknown };

function bpmnFiles(): string[] {
  return (readdirSync(CORPUS, { recursive: true, withFileTypes: true }) as Array<{ name: string; parentPath: string; isFile(): boolean }>)
    .filter((entry) => entry.isFile() && BPMN_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function tally(outcomes: Outcome[]): string {
  const count = (kind: Outcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
  const codes = new Map<string, number>();
  const warningCodes = new Map<string, number>();
  for (const o of outcomes) {
    if (o.kind === 'refused') {
      for (const code of new Set(o.problems.filter((p) => p.severity === 'error').map((p) => p.code))) {
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }
    }
    if (o.kind === 'warnings' || o.kind === 'refused') {
      for (const code of new Set(o.problems.filter((p) => p.severity === 'warning').map((p) => p.code))) {
        warningCodes.set(code, (warningCodes.get(code) ?? 0) + 1);
      }
    }
  }
  const rows = (map: Map<string, number>) =>
    [...map].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([code, n]) => `      ${code.padEnd(28)} ${n}`);
  return [
    `corpus: ${outcomes.length} files`,
    `  parsed clean          ${count('clean')}`,
    `  parsed with warnings  ${count('warnings')}`,
    `  refused               ${count('refused')}   (files per error code)`,
    ...rows(codes),
    `  files with warnings, by warning code:`,
    ...rows(warningCodes),
    `  crashed (not a BpmnParseError) ${count('crashed')}`,
  ].join('\n');
}

describe.runIf(corpusAvailable)('parse: the shared corpus of real diagrams', () => {
  const outcomes: Outcome[] = [];

  beforeAll(async () => {
    for (const path of bpmnFiles()) {
      const file = relative(CORPUS, path);
      try {
        const result = await parse(new Uint8Array(readFileSync(path)));
        outcomes.push(result.warnings.length ? { file, kind: 'warnings', problems: result.warnings } : { file, kind: 'clean' });
      } catch (error) {
        outcomes.push(error instanceof BpmnParseError ? { file, kind: 'refused', problems: error.problems } : { file, kind: 'crashed', error });
      }
    }
    console.log(tally(outcomes));
  }, 120_000);

  it('should find the whole corpus (425 diagrams)', () => {
    // then
    expect(outcomes).toHaveLength(425);
  });

  it('should either parse each diagram or refuse it with a BpmnParseError, nothing else', () => {
    // when
    const crashed = outcomes.filter((o) => o.kind === 'crashed');
    // then
    expect(crashed.map((o) => `${o.file}: ${String((o as { error: unknown }).error)}`)).toEqual([]);
  });

  it('should parse most of it: the corpus is mostly working diagrams', () => {
    // then
    expect(outcomes.filter((o) => o.kind === 'clean' || o.kind === 'warnings').length).toBeGreaterThan(400);
  });

  it('should give every refusal at least one error, and every problem a code, a message and an element id or line', () => {
    // given
    const reported = outcomes.flatMap((o) => (o.kind === 'refused' || o.kind === 'warnings' ? o.problems.map((p) => ({ file: o.file, p })) : []));
    // when
    const refusedWithoutError = outcomes.filter((o) => o.kind === 'refused' && !o.problems.some((p) => p.severity === 'error'));
    const unexplained = reported.filter(({ p }) => !/^[a-z]+\.[a-z-]+$/.test(p.code) || !p.message);
    const nowhere = reported.filter(({ p }) => p.elementId === undefined && p.line === undefined);
    // then
    expect(reported.length).toBeGreaterThan(0);
    expect(refusedWithoutError).toEqual([]);
    expect(unexplained).toEqual([]);
    expect(nowhere.map(({ file, p }) => `${file}: ${p.code} ${p.message}`)).toEqual([]);
  });

  it('should refuse the corpus fixtures that are broken on purpose, for the reason they were written', () => {
    // given
    const expected: Record<string, string> = {
      'bpmn-js/test/fixtures/bpmn/error/duplicate-ids.bpmn': 'bpmn.duplicate-id',
      'bpmn-js/test/fixtures/bpmn/error/missing-namespace.bpmn': 'bpmn.not-bpmn',
      'bpmn-js/test/fixtures/bpmn/error/invalid-child.bpmn': 'bpmn.unknown-element',
      'bpmn-js/test/fixtures/bpmn/import/error/boundaryEvent-invalidAttachToRef.bpmn': 'bpmn.unresolved-reference',
      'bpmn-js/test/fixtures/bpmn/error/no-process-collaboration.bpmn': 'bpmn.no-process',
      'camunda/camunda-modeler/resources/diagram/xss.bpmn': 'bpmn.invalid-id',
    };
    // then
    for (const [file, code] of Object.entries(expected)) {
      const outcome = outcomes.find((o) => o.file === file);
      expect(outcome?.kind, file).toBe('refused');
      expect((outcome as { problems: Problem[] }).problems.map((p) => p.code), file).toContain(code);
    }
  });
});
