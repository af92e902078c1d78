import { readFileSync } from 'node:fs';
import Linter from 'bpmnlint/lib/linter.js';
import { describe, expect, it } from 'vitest';
import { parse } from '@sopflow/engine';
import { lintDefinitions } from 'bpmnlint-plugin-sopflow';
import { linterConfig } from '../src/features/lint/lintConfig.js';

const order = readFileSync(new URL('../../../examples/order-handling/order-handling.bpmn', import.meta.url), 'utf8');

/** Findings as `rule element message`, sorted. */
function shown(findings: Array<{ rule: string; id: string; message: string }>): string[] {
  return findings.map((f) => `${f.rule} ${f.id} ${f.message}`).sort();
}

describe('the modeler lint configuration', () => {
  it("should find exactly what sopflow validate's lintDefinitions finds, calendars included", async () => {
    // given: an owner removed and a calendar the calendars file does not have
    const xml = order.replace('sop:candidateGroups="warehouse" sop:sla="PT4H" sop:calendar="office"', 'sop:sla="PT4H" sop:calendar="warehouse-shifts"');
    const { definitions } = await parse(xml);

    // when
    const { config, resolver } = await linterConfig(undefined, ['office']);
    const reports = await new Linter({ resolver }).lint(definitions, config);
    const inModeler = Object.entries(reports).flatMap(([rule, list]) => list.map((r) => ({ rule, id: String(r.id), message: String(r.message) })));
    const inValidate = await lintDefinitions(definitions, undefined, { calendars: ['office'] });

    // then
    expect(shown(inModeler)).toEqual(shown(inValidate));
    expect(shown(inModeler)).toEqual([
      expect.stringMatching(/^sopflow\/sla-valid Task_PickAndPack .*warehouse-shifts/),
      expect.stringMatching(/^sopflow\/user-task-owner Task_PickAndPack User task has no owner/),
    ]);
  });

  it("should use a folder's .bpmnlintrc and refuse rules it cannot resolve", async () => {
    // when
    const all = await linterConfig({ extends: 'plugin:sopflow/all' });
    const unknown = linterConfig({ extends: 'plugin:acme/recommended' });

    // then
    expect(all.config.rules?.['sopflow/escalation-caught']).toBe('error');
    await expect(unknown).rejects.toThrow(/cannot resolve config <recommended> of <bpmnlint-plugin-acme>/);
  });
});
