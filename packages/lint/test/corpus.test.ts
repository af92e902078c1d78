import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { BpmnParseError, createModdle, parse } from '@sopflow/engine';
import { DEFAULT_CONFIG, lintDefinitions, type LintFinding } from 'bpmnlint-plugin-sopflow';
import { describe, expect, it, vi } from 'vitest';

/**
 * bpmnlint's own rules that throw on some broken documents of the corpus
 * (upstream bugs: `global` and `no-bpmndi` on definitions without root
 * elements or without a diagram, bpmn-io/bpmnlint#154; `no-bpmndi` on a
 * diagram without a plane). The linter turns them into `rule-error`
 * findings; none of sopflow's rules may throw.
 */
const KNOWN_BPMNLINT_CRASHES = [
  'bpmn-js/test/fixtures/bpmn/empty-definitions.bpmn (read leniently): global',
  'bpmn-js/test/fixtures/bpmn/empty-definitions.bpmn (read leniently): no-bpmndi',
  'bpmn-js/test/fixtures/bpmn/error/invalid-child.bpmn (read leniently): global',
  'bpmn-js/test/fixtures/bpmn/error/invalid-child.bpmn (read leniently): no-bpmndi',
  'bpmn-js/test/fixtures/bpmn/error/no-process-collaboration.bpmn (read leniently): global',
  'bpmn-js/test/fixtures/bpmn/error/no-process-collaboration.bpmn (read leniently): no-bpmndi',
  'bpmn-js/test/spec/features/drilldown/diagram-missing-plane.bpmn: no-bpmndi',
  'bpmn-js/test/spec/import/missing-di-plane.bpmn: no-bpmndi',
];

/** Real diagrams made by others, read in place (never copied): see its README. */
import { CORPUS, corpusAvailable } from '../../../test/support/corpus.js';


function diagrams(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return diagrams(path);
    return /\.(bpmn|xml)$/i.test(name) ? [path] : [];
  });
}

/** The strict parse of the engine; for a document it refuses, bpmn-moddle's lenient import (to lint broken models too). */
async function definitionsOf(xml: string): Promise<{ definitions: unknown; strict: boolean } | undefined> {
  try {
    return { definitions: (await parse(xml)).definitions, strict: true };
  } catch (error) {
    if (!(error instanceof BpmnParseError)) throw error;
  }
  try {
    return { definitions: (await createModdle().fromXML(xml)).rootElement, strict: false };
  } catch {
    return undefined;
  }
}

describe.runIf(corpusAvailable)('the corpus of real diagrams', () => {
  it('should lint every diagram without any sopflow rule throwing', { timeout: 300_000 }, async () => {
    // given
    const files = diagrams(CORPUS).sort();
    const tally = new Map<string, { error: number; warn: number; files: number }>();
    const read = { strict: 0, lenient: 0, unreadable: 0 };
    const thrown: string[] = [];

    // bpmnlint logs each rule that throws; the findings say it too
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    // when
    for (const file of files) {
      const parsed = await definitionsOf(readFileSync(file, 'utf8'));
      if (!parsed) {
        read.unreadable++;
        continue;
      }
      read[parsed.strict ? 'strict' : 'lenient']++;
      const findings: LintFinding[] = await lintDefinitions(parsed.definitions, DEFAULT_CONFIG);
      for (const finding of findings) {
        if (finding.category === 'rule-error') thrown.push(`${relative(CORPUS, file)}${parsed.strict ? '' : ' (read leniently)'}: ${finding.rule}`);
      }
      for (const rule of new Set(findings.map((f) => f.rule))) {
        const row = tally.get(rule) ?? { error: 0, warn: 0, files: 0 };
        row.files++;
        for (const f of findings) if (f.rule === rule && (f.category === 'error' || f.category === 'warn')) row[f.category]++;
        tally.set(rule, row);
      }
    }
    logged.mockRestore();
    const table = [...tally.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([rule, row]) => ({ rule, ...row }));
    console.log(`corpus: ${files.length} files (${read.strict} parsed, ${read.lenient} read leniently after a parse error, ${read.unreadable} unreadable)`);
    console.table(table);

    // then
    expect(files.length).toBe(425);
    expect(thrown.filter((t) => t.includes('sopflow/'))).toEqual([]);
    expect(thrown).toEqual(KNOWN_BPMNLINT_CRASHES);
    expect(read.strict + read.lenient).toBeGreaterThan(400);
  });
});
