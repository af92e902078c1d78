import { describe, expect, it } from 'vitest';
import { formatInZone, localInput, readStartTime } from '../src/features/simulation/time.js';
import { formatVariables, parseVariables, VariablesFormatError } from '../src/features/simulation/variables.js';

describe('simulation forms', () => {
  it('should read variables as JSON or as name = value lines', () => {
    // when
    const json = parseVariables('{ "severity": "normal", "amount": 120000 }');
    const lines = parseVariables('severity = normal\namount = 120000\nurgent: true\n# a comment\ndepartments = ["it", "finance"]\nnote = "42"');

    // then
    expect(json).toEqual({ severity: 'normal', amount: 120000 });
    expect(lines).toEqual({ severity: 'normal', amount: 120000, urgent: true, departments: ['it', 'finance'], note: '42' });
    expect(parseVariables('  ')).toEqual({});
  });

  it('should name the line that is not a variable', () => {
    // when
    const noValue = () => parseVariables('severity = normal\njust text');
    const badName = () => parseVariables('2x = 1');
    const notObject = () => parseVariables('{ "a": 1');

    // then
    expect(noValue).toThrow(new VariablesFormatError("Line 2: expected name = value, got 'just text'."));
    expect(badName).toThrow(/Line 1: '2x' is not a variable name/);
    expect(notObject).toThrow(/Not valid JSON/);
  });

  it('should write variables back as lines that read the same', () => {
    // given
    const variables = { severity: 'normal', satisfied: true, flag: 'true', list: [1, 2] };

    // when
    const text = formatVariables(variables);

    // then
    expect(parseVariables(text)).toEqual(variables);
  });

  it('should show and read virtual time in the zone', () => {
    // given
    const ms = readStartTime('2026-11-23 09:00', 'Asia/Shanghai');

    // then
    expect(new Date(ms).toISOString()).toBe('2026-11-23T01:00:00.000Z');
    expect(formatInZone(ms, 'Asia/Shanghai')).toBe('Mon 2026-11-23 09:00');
    expect(localInput(ms, 'Asia/Shanghai')).toBe('2026-11-23T09:00');
  });
});
