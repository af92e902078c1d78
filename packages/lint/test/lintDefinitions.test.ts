import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@sopflow/engine';
import { createResolver, DEFAULT_CONFIG, lintDefinitions, resolveLintConfig } from 'bpmnlint-plugin-sopflow';
import { describe, expect, it, vi } from 'vitest';
import { FIXTURES } from './support/ruleTester.js';

async function fixture(rule: string, file: string) {
  return (await parse(readFileSync(join(FIXTURES, rule, file)))).definitions;
}

describe('lintDefinitions', () => {
  it('should pass the calendars to sla-valid, keeping its severity', async () => {
    // given
    const definitions = await fixture('sla-valid', 'invalid-unknown-calendar.bpmn');
    const config = { rules: { 'sopflow/sla-valid': 'warn' as const } };

    // when
    const withCalendars = await lintDefinitions(definitions, config, { calendars: ['ofice'] });
    const without = await lintDefinitions(definitions, config);

    // then
    expect(withCalendars).toEqual([]);
    expect(without).toEqual([
      {
        id: 'Task_Review',
        name: 'Review request',
        rule: 'sopflow/sla-valid',
        message: "sop:calendar 'ofice' cannot be found: no calendars file was found; expected a calendars file defining 'ofice'.",
        category: 'warn',
        attribute: 'sop:calendar',
        code: 'sla-valid.unknown-calendar',
        params: { variant: 'no-file', calendar: 'ofice', calendars: [] },
      },
    ]);
  });

  it("should add the external messages to the rule's own list", async () => {
    // given
    const definitions = await fixture('message-thrown-or-external', 'invalid-receive-task.bpmn');
    const config = { rules: { 'sopflow/message-thrown-or-external': ['error', { external: ['another-message'] }] as ['error', unknown] } };

    // when
    const findings = await lintDefinitions(definitions, config, { external: ['parcel-delivered'] });

    // then
    expect(findings).toEqual([]);
  });

  it('should not enable a rule the config turns off', async () => {
    // given
    const definitions = await fixture('sla-valid', 'invalid-unknown-calendar.bpmn');

    // when
    const findings = await lintDefinitions(definitions, { rules: { 'sopflow/sla-valid': 'off' } }, { calendars: [] });

    // then
    expect(findings).toEqual([]);
  });

  it('should report a rule that throws as a rule-error on the definitions', async () => {
    // given
    const definitions = await fixture('user-task-owner', 'invalid-no-owner.bpmn');
    const resolver = createResolver({
      plugins: {
        'bpmnlint-plugin-broken': {
          rules: {
            boom: () => ({
              check: () => {
                throw new Error('boom');
              },
            }),
          },
          configs: {},
        },
      },
    });
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    // when
    const findings = await lintDefinitions(definitions, { rules: { 'broken/boom': 'error' } }, { resolver });
    quiet.mockRestore();

    // then
    expect(findings).toEqual([
      { id: 'Definitions_1', rule: 'broken/boom', message: 'boom', category: 'rule-error', code: 'lint.rule-error', params: { rule: 'broken/boom', detail: 'boom' } },
    ]);
  });

  it('should refuse a config naming an unknown rule', async () => {
    // given
    const definitions = await fixture('user-task-owner', 'invalid-no-owner.bpmn');

    // when
    const lint = lintDefinitions(definitions, { rules: { 'sopflow/no-such-rule': 'error' } });

    // then
    await expect(lint).rejects.toThrow(/cannot resolve rule <no-such-rule> of <bpmnlint-plugin-sopflow>/);
  });
});

describe('resolveLintConfig', () => {
  it('should flatten the config to its rules with the options merged, for bpmn-js-bpmnlint', async () => {
    // given the default config, as the modeler uses it

    // when
    const config = await resolveLintConfig(DEFAULT_CONFIG, { calendars: ['office'], external: ['parcel-delivered'] });

    // then
    expect(config.extends).toBeUndefined();
    expect(config.rules?.['label-required']).toBe('error');
    expect(config.rules?.['no-inclusive-gateway']).toBe('off');
    expect(config.rules?.['sopflow/sla-valid']).toEqual(['error', { calendars: ['office'] }]);
    expect(config.rules?.['sopflow/message-thrown-or-external']).toEqual(['error', { external: ['parcel-delivered'] }]);
    expect(config.rules?.['sopflow/escalation-caught']).toBe('warn');
  });
});
