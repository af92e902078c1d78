import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '@sopflow/cli';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = 'packages/cli/test/fixtures/scenarios';

function io(): Io & { out: string; err: string } {
  const box = { out: '', err: '' };
  return Object.assign(box, { stdout: (t: string) => void (box.out += t), stderr: (t: string) => void (box.err += t), cwd: repo, env: {} });
}

describe('sopflow test', () => {
  it('should pass the eight acceptance scenarios shipped in examples/ (nine files: scenario 4 is urgent and normal)', async () => {
    // given
    const out = io();
    // when
    const code = await main(['test', 'examples'], out);
    // then
    expect(out.out).toContain('Scenarios: 9 passed, 0 failed, 9 total');
    expect(code).toBe(0);
  }, 60_000);

  it('should fail a scenario whose expectation does not hold, saying what happened instead (exit 1)', async () => {
    // given
    const out = io();
    // when
    const code = await main(['test', `${fixtures}/wrong-expectations.scenario.yaml`], out);
    // then
    expect(code).toBe(1);
    expect(out.out).toContain('✗ packages/cli/test/fixtures/scenarios/wrong-expectations.scenario.yaml');
    expect(out.out).toContain('step 2 (line 10): expected event 1 (sla.reminder at 2026-11-23T13:00+08:00) after the previous ones; found it only 2026-11-23T06:00:00.000Z');
    expect(out.out).toContain('Scenarios: 0 passed, 1 failed, 1 total');
  });

  it('should check the KPI report of the case\'s process, naming the row and the figures that differ', async () => {
    // given: a reviewer idle a working day and an hour: the step is open and overdue, reminded twice, not yet done
    const out = io();
    // when
    const code = await main(['test', `${fixtures}/wrong-report.scenario.yaml`], out);
    // then: the first expectation holds; the second names both figures that differ
    expect(code).toBe(1);
    expect(out.out).toContain("step 3 (line 14): expected the report's node Task_InitialReview to have reminders 3, compliance 1; it has reminders 2, compliance null");
    expect(out.out).not.toContain('step 2 (line 10)');
  });

  it('should say so when the report has no row for a department the scenario names', async () => {
    // given: the same scenario, its first two report expectations corrected
    const { readFile, writeFile, rm } = await import('node:fs/promises');
    const file = `${repo}${fixtures}/wrong-report.scenario.yaml`;
    const copy = file.replace('wrong-report', 'wrong-report-row');
    await writeFile(copy, (await readFile(file, 'utf8')).replace('{ reminders: 3, compliance: 1 }', '{ reminders: 2, compliance: null }'));
    try {
      const out = io();
      // when
      const code = await main(['test', copy], out);
      // then
      expect(code).toBe(1);
      expect(out.out).toContain('step 4 (line 18): expected a report row for department legal; the report has none');
    } finally {
      await rm(copy, { force: true });
    }
  });

  it('should fail a step the engine refuses, with the engine\'s reason', async () => {
    // given
    const out = io();
    // when
    const code = await main(['test', `${fixtures}/not-allowed.scenario.yaml`], out);
    // then
    expect(code).toBe(1);
    expect(out.out).toMatch(/step 1 \(line 9\): 'zhang' may not complete task .* it is assigned to 'li'/);
  });

  it('should refuse an invalid scenario file with line and column for each problem (exit 2)', async () => {
    // given
    const out = io();
    // when
    const code = await main(['test', `${fixtures}/invalid.scenario.yaml`], out);
    // then
    expect(code).toBe(2);
    expect(out.err).toContain('invalid.scenario.yaml:4:7 start.at: must be an ISO 8601 date-time such as 2026-11-23T09:00+08:00');
    expect(out.err).toContain("invalid.scenario.yaml:7:5 steps[1]: unknown field 'by'");
  });

  it('should write JUnit XML', async () => {
    // given
    const out = io();
    // when
    const code = await main(['test', `${fixtures}/wrong-expectations.scenario.yaml`, 'examples/order-handling/scenarios/1-valid-order.scenario.yaml', '--format', 'junit'], out);
    // then
    expect(code).toBe(1);
    expect(out.out).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="sopflow scenarios" tests="2" failures="1"/);
    expect(out.out).toContain('<failure message="expected event 1 (sla.reminder at 2026-11-23T13:00+08:00)');
  });

  it('should refuse a pattern that matches nothing rather than pass', async () => {
    const out = io();
    expect(await main(['test', 'nowhere/**/*.scenario.yaml'], out)).toBe(2);
    expect(out.err).toContain("The pattern 'nowhere/**/*.scenario.yaml' matches no file.");
  });
});
