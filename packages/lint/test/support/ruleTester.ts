/**
 * bpmnlint-style rule tests: a table of valid fixtures (no report) and one
 * of invalid fixtures (exactly these reports), each a real `.bpmn` file in
 * `test/fixtures/<rule>/`, parsed with the engine's `parse` and linted with
 * `lintDefinitions` and only the rule under test enabled.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@sopflow/engine';
import { lintDefinitions, type RuleId } from 'bpmnlint-plugin-sopflow';
import { describe, expect, it } from 'vitest';

/** The fixtures folder. */
export const FIXTURES = fileURLToPath(new URL('../fixtures', import.meta.url));

/** One report as the tables state it. */
export interface ExpectedReport {
  id: string;
  attribute?: string;
  code: string;
  message: string;
}

/** A fixture the rule accepts (with this rule config). */
export interface ValidCase {
  file: string;
  config?: Record<string, unknown>;
}

/** A fixture the rule reports on: exactly `reports`, in this order. */
export interface InvalidCase extends ValidCase {
  reports: ExpectedReport[];
}

/** Lints one fixture of `rule` with only that rule enabled, at `error`. */
export async function lintFixture(rule: RuleId, file: string, config: Record<string, unknown> = {}): Promise<ExpectedReport[]> {
  const { definitions } = await parse(readFileSync(join(FIXTURES, rule, file)));
  const findings = await lintDefinitions(definitions, { rules: { [`sopflow/${rule}`]: ['error', config] } });
  return findings.map(({ id, attribute, code, message, category }) => {
    expect(category).toBe('error');
    return { id, ...(attribute !== undefined ? { attribute } : {}), code: code ?? '', message };
  });
}

/** Declares the tests of one rule from its tables. */
export function testRule(rule: RuleId, tables: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`rules/${rule}`, () => {
    it('should have a table entry for every fixture, and a fixture for every entry', () => {
      // given
      const files = readdirSync(join(FIXTURES, rule)).filter((f) => f.endsWith('.bpmn'));

      // when
      const listed = [...tables.valid, ...tables.invalid].map((c) => c.file);

      // then
      expect(new Set(listed)).toEqual(new Set(files));
      expect(tables.valid.every((c) => c.file.startsWith('valid-'))).toBe(true);
      expect(tables.invalid.every((c) => c.file.startsWith('invalid-'))).toBe(true);
    });

    it.each(tables.valid)('should accept $file', async ({ file, config }) => {
      // given a fixture the rule accepts

      // when
      const reports = await lintFixture(rule, file, config);

      // then
      expect(reports).toEqual([]);
    });

    it.each(tables.invalid)('should report $file', async ({ file, config, reports: expected }) => {
      // given a fixture the rule reports on

      // when
      const reports = await lintFixture(rule, file, config);

      // then
      expect(reports).toEqual(expected);
    });
  });
}
