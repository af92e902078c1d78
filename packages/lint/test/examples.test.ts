import { readFileSync } from 'node:fs';
import { parse } from '@sopflow/engine';
import { DEFAULT_CONFIG, lintDefinitions, type LintFinding } from 'bpmnlint-plugin-sopflow';
import { describe, expect, it } from 'vitest';

const EXAMPLES = new URL('../../../examples/', import.meta.url);

/**
 * The three standard SOPs under the config `sopflow validate` uses without
 * a `.bpmnlintrc`, with the calendars of examples/calendars.json. Each
 * finding listed here is one the examples really have (see
 * docs/rules/README.md, "The example SOPs").
 */
const EXPECTED: Record<string, LintFinding[]> = {
  'complaint-escalation': [
    {
      id: 'EndEvent_EscalatedToQuality',
      name: 'Escalated to quality',
      rule: 'sopflow/escalation-caught',
      message:
        "Escalation 'ESCALATED_TO_QUALITY' thrown by this event is caught by nothing, so it will only be recorded: expected an escalation boundary event (with this code, or none) on the thrower or an enclosing sub-process, or an escalation event sub-process on the way out.",
      category: 'warn',
      attribute: 'escalationRef',
      code: 'escalation-caught.throw-event',
    },
  ],
  'cross-department-approval': [
    { id: 'Flow_SkipInitialReview', name: 'skip initial review', rule: 'superfluous-label', message: 'Sequence flow has superfluous label', category: 'warn' },
  ],
  'order-handling': [
    {
      id: 'Task_TrackDelivery',
      name: 'Track delivery',
      rule: 'sopflow/message-thrown-or-external',
      message:
        'Message \'parcel-delivered\' is waited for here but nothing in this file sends it: expected a message throw/end event or send task with this message, or mark it external (a bpmn:documentation on message \'Message_ParcelDelivered\' containing "external", or the rule\'s external list).',
      category: 'error',
      attribute: 'messageRef',
      code: 'message-thrown-or-external.unknown-sender',
    },
  ],
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

  it('should give order-handling no finding once parcel-delivered is declared external', async () => {
    // given
    const { definitions } = await parse(readFileSync(new URL('order-handling/order-handling.bpmn', EXAMPLES)));

    // when
    const findings = await lintDefinitions(definitions, DEFAULT_CONFIG, { calendars: ['office'], external: ['parcel-delivered'] });

    // then
    expect(findings).toEqual([]);
  });
});
