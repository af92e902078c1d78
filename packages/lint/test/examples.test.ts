import { readFileSync } from 'node:fs';
import { parse } from '@sopflow/engine';
import { DEFAULT_CONFIG, lintDefinitions, type LintFinding } from 'bpmnlint-plugin-sopflow';
import { describe, expect, it } from 'vitest';

const EXAMPLES = new URL('../../../examples/', import.meta.url);

/**
 * The three standard SOPs under the config `sopflow validate` uses without
 * a `.bpmnlintrc`, with the calendars of examples/calendars.json: clean.
 * (parcel-delivered and ESCALATED_TO_QUALITY are documented as external in
 * the diagrams: they come from, or go to, outside the process.)
 */
const EXPECTED: Record<string, LintFinding[]> = {
  'complaint-escalation': [],
  'cross-department-approval': [],
  'order-handling': [],
};

describe('the example SOPs', () => {
  it.each(Object.keys(EXPECTED))('should give %s exactly its known findings under DEFAULT_CONFIG', async (name) => {
    // given
    const { definitions } = await parse(readFileSync(new URL(`${name}/${name}.bpmn`, EXAMPLES)));

    // when
    const findings = await lintDefinitions(definitions, DEFAULT_CONFIG, { calendars: ['office'] });

    // then
    expect(findings).toEqual(EXPECTED[name]);
  });

  it('should report parcel-delivered when its documentation no longer says it is external', async () => {
    // given
    const xml = readFileSync(new URL('order-handling/order-handling.bpmn', EXAMPLES), 'utf8').replace(/<bpmn:documentation>External: sent by the carrier[^<]*<\/bpmn:documentation>/, '');
    const { definitions } = await parse(xml);

    // when
    const findings = await lintDefinitions(definitions, DEFAULT_CONFIG, { calendars: ['office'] });

    // then
    expect(findings.map((f) => [f.id, f.rule, f.category])).toEqual([['Task_TrackDelivery', 'sopflow/message-thrown-or-external', 'error']]);
    // and the rule's external list is the other way to say it
    expect(await lintDefinitions(definitions, DEFAULT_CONFIG, { calendars: ['office'], external: ['parcel-delivered'] })).toEqual([]);
  });

  it('should report the quality escalation when its documentation no longer says it is external', async () => {
    // given
    const xml = readFileSync(new URL('complaint-escalation/complaint-escalation.bpmn', EXAMPLES), 'utf8').replace(/<bpmn:documentation>External: the quality managers[^<]*<\/bpmn:documentation>/, '');
    const { definitions } = await parse(xml);

    // when
    const findings = await lintDefinitions(definitions, DEFAULT_CONFIG, { calendars: ['office'] });

    // then
    expect(findings.map((f) => [f.id, f.rule, f.category])).toEqual([['EndEvent_EscalatedToQuality', 'sopflow/escalation-caught', 'warn']]);
  });
});
