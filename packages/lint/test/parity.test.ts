/**
 * The rules against the engine itself, so that what lint says and what
 * deploy does cannot drift apart: `executable`'s `omitCovered` may only
 * leave out problems `feel-valid` or `sla-valid` report on the same
 * element, and `escalation-caught` agrees with deploy's uncaught-escalation
 * warnings.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BpmnValidationError, compile, createEngine, parse, parseCalendarFile, VirtualClock, type Problem } from '@sopflow/engine';
import { lintDefinitions } from 'bpmnlint-plugin-sopflow';
import { describe, expect, it } from 'vitest';
import { isCoveredByOtherRules } from '../src/rules/executable.js';
import { FIXTURES } from './support/ruleTester.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
import { CORPUS, corpusAvailable } from '../../../test/support/corpus.js';

const EXAMPLES = join(REPO, 'examples');

function diagrams(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return diagrams(path);
    return /\.(bpmn|xml)$/i.test(name) ? [path] : [];
  });
}

async function definitionsOf(file: string) {
  try {
    return (await parse(readFileSync(file))).definitions;
  } catch {
    return undefined;
  }
}

function validationProblems(definitions: unknown): Problem[] {
  try {
    compile(definitions);
    return [];
  } catch (error) {
    return error instanceof BpmnValidationError ? error.problems : [];
  }
}

describe('parity with the engine', () => {
  it('should leave out of `executable` only problems feel-valid or sla-valid report on the same element', { timeout: 300_000 }, async () => {
    // given every readable diagram: fixtures, examples, corpus
    const files = [...diagrams(FIXTURES), ...diagrams(EXAMPLES), ...(corpusAvailable ? diagrams(CORPUS) : [])];
    const missed: string[] = [];
    let covered = 0;

    for (const file of files) {
      const definitions = await definitionsOf(file);
      if (!definitions) continue;

      // when
      const left = validationProblems(definitions).filter(isCoveredByOtherRules);
      if (left.length === 0) continue;
      const findings = await lintDefinitions(definitions, { rules: { 'sopflow/feel-valid': 'error', 'sopflow/sla-valid': 'error' } });
      const reported = new Set(findings.map((f) => f.id));

      // then
      covered += left.length;
      for (const problem of left) {
        if (!reported.has(problem.elementId ?? '')) missed.push(`${file}: <${problem.elementId}> ${problem.attribute}: ${problem.message}`);
      }
    }
    expect(missed).toEqual([]);
    expect(covered).toBeGreaterThan(10);
  });

  it("should find the uncaught SLA escalations deploy warns about, and no others", async () => {
    // given the escalation fixtures and the example SOPs, with the examples' calendars
    const calendars = parseCalendarFile(readFileSync(join(EXAMPLES, 'calendars.json'), 'utf8'));
    const files = [...diagrams(join(FIXTURES, 'escalation-caught')), ...diagrams(EXAMPLES)];
    const compared: string[] = [];

    for (const file of files) {
      const engine = createEngine({ clock: new VirtualClock(0), calendars, scheduler: false });
      const xml = readFileSync(file);

      // when
      const deployed = await engine.deploy(xml);
      await engine.close();
      const { definitions } = await parse(xml);
      const findings = await lintDefinitions(definitions, { rules: { 'sopflow/escalation-caught': 'error' } });

      // then (deploy does not look at the process's own rules, which lint does)
      const warned = deployed.warnings.filter((w) => w.code === 'sla.escalation-uncaught').map((w) => `${w.elementId} ${w.attribute}`);
      const linted = findings
        .filter((f) => f.code === 'escalation-caught.sla-rule' && !definitions.rootElements?.some((e) => e.id === f.id))
        .map((f) => `${f.id} ${f.attribute?.replace(/\.escalationCode$/, '')}`);
      expect(linted, file).toEqual(warned);
      compared.push(...warned);
    }
    expect(compared.length).toBeGreaterThan(1);
  });
});
