import { all, configs, DEFAULT_CONFIG, recommended, rules } from 'bpmnlint-plugin-sopflow';
import { describe, expect, it } from 'vitest';

describe('configs', () => {
  it('should set every rule to error in recommended, but escalation-caught to warn', () => {
    // given
    const ids = Object.keys(rules);

    // when
    const severities = Object.fromEntries(ids.map((id) => {
      const setting = recommended.rules?.[`sopflow/${id}`];
      return [id, Array.isArray(setting) ? setting[0] : setting];
    }));

    // then
    expect(severities).toEqual({
      'user-task-owner': 'error',
      'sla-valid': 'error',
      'escalation-caught': 'warn',
      'feel-valid': 'error',
      'exclusive-gateway-default': 'error',
      'message-thrown-or-external': 'error',
      executable: 'error',
    });
    expect(recommended.rules?.['bpmnlint/no-inclusive-gateway']).toBe('off');
  });

  it('should set every rule to error in all', () => {
    // given
    const ids = Object.keys(rules);

    // when
    const severities = ids.map((id) => {
      const setting = all.rules?.[`sopflow/${id}`];
      return Array.isArray(setting) ? setting[0] : setting;
    });

    // then
    expect(severities).toEqual(ids.map(() => 'error'));
    expect(Object.keys(all.rules ?? {})).toHaveLength(ids.length);
  });

  it("should extend bpmnlint's and sopflow's recommended configs by default", () => {
    // given the configs by name

    // when
    const names = Object.keys(configs);

    // then
    expect(names).toEqual(['recommended', 'all']);
    expect(DEFAULT_CONFIG).toEqual({ extends: ['bpmnlint:recommended', 'plugin:sopflow/recommended'] });
  });
});
