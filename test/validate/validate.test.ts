import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '@sopflow/cli';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const BROKEN = 'test/fixtures/broken';

function io(): Io & { out: string; err: string } {
  const box = { out: '', err: '' };
  return Object.assign(box, { stdout: (t: string) => void (box.out += t), stderr: (t: string) => void (box.err += t), cwd: repo, env: {} });
}

async function findings(file: string): Promise<string[]> {
  const out = io();
  await main(['validate', `${BROKEN}/${file}.bpmn`, '--format', 'json'], out);
  const [result] = JSON.parse(out.out) as Array<{ problems: Array<{ severity: string; rule: string; elementId?: string }> }>;
  return result.problems.map((p) => `${p.severity} ${p.rule} ${p.elementId ?? '-'}`).sort();
}

/** One diagram per rule and per soundness finding: exactly these findings, nothing else. */
const EXPECTED: Record<string, string[]> = {
  'clean.baseline': [],
  'parse.duplicate-id': ['error parse/bpmn.duplicate-id Task_Review', 'error parse/bpmn.unresolved-reference Flow_2', 'warning parse/bpmn.unresolved-reference End_di'],
  'rule.user-task-owner': ['error sopflow/user-task-owner Task_Review'],
  'rule.sla-valid': ['error sopflow/sla-valid Task_Review', 'error sopflow/sla-valid Task_Review'],
  'rule.feel-valid': ['error sopflow/feel-valid Flow_Yes'],
  'rule.exclusive-gateway-default': ['error sopflow/exclusive-gateway-default Gateway_Amount'],
  'rule.message-thrown-or-external': ['error sopflow/message-thrown-or-external Task_Wait'],
  'rule.escalation-caught': ['warning sopflow/escalation-caught Task_Review'],
  'rule.executable': ['error no-complex-gateway Gateway_Complex', 'error sopflow/executable Gateway_Complex', 'warning superfluous-gateway Gateway_Complex'],
  'soundness.deadlock': ['error sopflow/soundness/dead-activity Gateway_Join', 'error sopflow/soundness/deadlock Gateway_Join'],
  'soundness.lack-of-synchronisation': ['error sopflow/soundness/lack-of-synchronisation Task_Ship'],
  'soundness.livelock': ['error end-event-required soundness-livelock', 'error sopflow/soundness/livelock Task_Retry'],
  'soundness.dead-activity': ['error sopflow/soundness/dead-activity Boundary_Failed'],
  'soundness.improper-completion': ['error sopflow/soundness/improper-completion End_Fail'],
  'soundness.state-space-bound': ['warning sopflow/soundness/state-space-bound soundness-state-space-bound'],
};

describe('sopflow validate', () => {
  it('should cover every fixture of the broken corpus', () => {
    const files = readdirSync(`${repo}${BROKEN}`).map((f) => f.replace(/\.bpmn$/, '')).sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('should report exactly the expected findings for %s', async (file, expected) => {
    expect(await findings(file)).toEqual([...expected].sort());
  });

  it('should find the example SOPs clean (exit 0)', async () => {
    const out = io();
    expect(await main(['validate', 'examples/**/*.bpmn'], out)).toBe(0);
    expect(out.out).toBe('✓ 3 files checked, no problems\n');
  });

  it('should exit 1 on errors, 0 on warnings only, 2 on usage and I/O errors', async () => {
    expect(await main(['validate', `${BROKEN}/rule.user-task-owner.bpmn`], io())).toBe(1);
    expect(await main(['validate', `${BROKEN}/rule.escalation-caught.bpmn`], io())).toBe(0);
    const missing = io();
    expect(await main(['validate', 'no/such/file.bpmn'], missing)).toBe(2);
    expect(missing.err).toContain('No such file: no/such/file.bpmn');
    const glob = io();
    expect(await main(['validate', 'nowhere/**/*.bpmn'], glob)).toBe(2);
    const format = io();
    expect(await main(['validate', `${BROKEN}/clean.baseline.bpmn`, '--format', 'xml'], format)).toBe(2);
    expect(format.err).toContain("--format 'xml': expected stylish, json, junit, sarif or github.");
  });

  it('should print stylish output with line:column, the element, the rule and the counterexample', async () => {
    const out = io();
    await main(['validate', `${BROKEN}/soundness.deadlock.bpmn`], out);
    expect(out.out).toMatch(/test\/fixtures\/broken\/soundness\.deadlock\.bpmn\n\s+\d+:\d+\s+error\s+<Gateway_Join> 'Both done' .* sopflow\/soundness\/deadlock/);
    expect(out.out).toMatch(/counterexample: Flow_1 → Flow_A → Flow_A2/);
    expect(out.out).toContain('✖ 2 problems (2 errors, 0 warnings) in 1 file');
  });

  it('should write JUnit, SARIF and GitHub annotations CI systems read', async () => {
    const junit = io();
    await main(['validate', `${BROKEN}/rule.user-task-owner.bpmn`, `${BROKEN}/clean.baseline.bpmn`, '--format', 'junit'], junit);
    expect(junit.out).toMatch(/<testsuite name="sopflow validate" tests="2" failures="1"/);
    const sarif = io();
    await main(['validate', `${BROKEN}/rule.user-task-owner.bpmn`, '--format', 'sarif'], sarif);
    const log = JSON.parse(sarif.out);
    expect(log.version).toBe('2.1.0');
    expect(log.runs[0].results[0]).toMatchObject({ ruleId: 'sopflow/user-task-owner', level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: `${BROKEN}/rule.user-task-owner.bpmn` }, region: { startLine: expect.any(Number) } } }] });
    const gh = io();
    await main(['validate', `${BROKEN}/rule.user-task-owner.bpmn`, '--format', 'github'], gh);
    expect(gh.out).toMatch(/^::error file=test\/fixtures\/broken\/rule\.user-task-owner\.bpmn,line=\d+,col=\d+,title=sopflow\/user-task-owner::<Task_Review> 'Review request' User task has no owner/);
  });

  it('should use a .bpmnlintrc when given one', async () => {
    const out = io();
    const code = await main(['validate', `${BROKEN}/rule.executable.bpmn`, '--config', 'test/validate/only-sopflow.bpmnlintrc', '--format', 'json'], out);
    expect(code).toBe(1);
    const rules = JSON.parse(out.out)[0].problems.map((p: { rule: string }) => p.rule);
    expect(rules).toEqual(['sopflow/executable']);
  });
});
