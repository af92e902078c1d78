import { describe, expect, it } from 'vitest';
import {
  durationParts,
  formatDurationParts,
  requiredForAction,
  validateAt,
  validateFeel,
  validateSla,
  validateTarget,
  validateTimes,
  validateValueOrFeel,
  validateVariableNames,
} from '../src/features/sop-properties/validation.js';

describe('SOP field validation', () => {
  it.each(['PT2H', 'P1D', 'P1DT30M', ' PT0.5H ', '=if severity = "urgent" then duration("PT30M") else duration("PT2H")', '', undefined])(
    'should accept the SLA %j',
    (value) => {
      // when
      const error = validateSla(value);

      // then
      expect(error).toBeNull();
    },
  );

  it.each([
    ['2 hours', /Invalid ISO 8601 duration '2 hours'/],
    ['PT2X', /Invalid ISO 8601 duration 'PT2X'/],
    ['-PT1H', /negative durations are not allowed/],
    ['=if severity = "urgent" then', /Invalid FEEL at \d+/],
  ])('should explain what is wrong with the SLA %j', (value, message) => {
    // when
    const error = validateSla(value);

    // then
    expect(error).toMatch(message);
  });

  it('should accept a share or a duration for when a rule fires, and refuse anything else', () => {
    // when
    const results = ['75%', '100%', 'PT4H', '', 'soon', '%', 'x%'].map(validateAt);

    // then
    expect(results.map((r) => r === null)).toEqual([true, true, true, false, false, false, false]);
  });

  it('should check FEEL only where a value starts with =', () => {
    // when
    const literal = validateValueOrFeel('support-agents');
    const goodFeel = validateValueOrFeel('=department + "-heads"');
    const badFeel = validateValueOrFeel('=department +');
    const notFeel = validateFeel('office');

    // then
    expect([literal, goodFeel]).toEqual([null, null]);
    expect(badFeel).toMatch(/Invalid FEEL/);
    expect(notFeel).toMatch(/starts with =/);
  });

  it('should check targets, counts and variable names', () => {
    // when
    const target = [validateTarget('group:order-desk-lead, user:alice'), validateTarget('order-desk-lead')];
    const times = [validateTimes('3'), validateTimes('0'), validateTimes('1.5')];
    const names = [validateVariableNames('iban, phone'), validateVariableNames('iban, 2fa code')];

    // then
    expect(target[0]).toBeNull();
    expect(target[1]).toMatch(/group:<id> or user:<id>/);
    expect(times.map((t) => t === null)).toEqual([true, false, false]);
    expect(names[0]).toBeNull();
    expect(names[1]).toMatch(/'2fa code'/);
  });

  it('should ask for the code of an escalate rule and the target of reassign and notify rules', () => {
    // when
    const code = requiredForAction('escalate', 'escalationCode', '');
    const target = requiredForAction('notify', 'target', undefined);
    const remind = requiredForAction('remind', 'target', undefined);

    // then
    expect(code).toMatch(/escalation code/);
    expect(target).toMatch(/needs a target/);
    expect(remind).toBeNull();
  });

  it('should turn plain durations into picker parts and back', () => {
    // when
    const parts = durationParts('P1DT2H30M');
    const feel = durationParts('=duration("PT1H")');
    const weeks = durationParts('P1W');

    // then
    expect(parts).toEqual({ days: 1, hours: 2, minutes: 30 });
    expect([feel, weeks]).toEqual([undefined, undefined]);
    expect(formatDurationParts({ days: 0, hours: 1, minutes: 0 })).toBe('PT1H');
    expect(formatDurationParts({ days: 2, hours: 0, minutes: 15 })).toBe('P2DT15M');
    expect(formatDurationParts({ days: 0, hours: 0, minutes: 0 })).toBeUndefined();
  });
});
