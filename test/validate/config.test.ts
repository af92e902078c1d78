/**
 * `sopflow validate`'s lint configuration: a `.bpmnlintrc` in the working
 * folder is found, bpmnlint's format works with third-party plugins
 * installed next to it, and a bad configuration or an unreadable input is a
 * usage error (exit 2) that names the file — never a stack trace.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main, type Io } from '@sopflow/cli';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const CLEAN = join(repo, 'test/fixtures/broken/clean.baseline.bpmn');
const OWNERLESS = join(repo, 'test/fixtures/broken/rule.user-task-owner.bpmn');

function io(cwd: string): Io & { out: string; err: string } {
  const box = { out: '', err: '' };
  return Object.assign(box, { stdout: (t: string) => void (box.out += t), stderr: (t: string) => void (box.err += t), cwd, env: {} });
}

/** Rules named in the JSON findings of one run. */
async function rules(cwd: string, args: string[]): Promise<{ code: number; rules: string[] }> {
  const out = io(cwd);
  const code = await main(['validate', ...args, '--format', 'json', '--no-soundness'], out);
  const results = JSON.parse(out.out) as Array<{ problems: Array<{ rule: string }> }>;
  return { code, rules: [...new Set(results.flatMap((r) => r.problems.map((p) => p.rule)))].sort() };
}

describe('sopflow validate: lint configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sopflow-config-'));
    copyFileSync(OWNERLESS, join(dir, 'ownerless.bpmn'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should use the .bpmnlintrc of the working folder without --config', async () => {
    // given: a config that turns on one rule only
    writeFileSync(join(dir, '.bpmnlintrc'), JSON.stringify({ rules: { 'sopflow/user-task-owner': 'warn' } }));
    // when
    const run = await rules(dir, ['ownerless.bpmn']);
    // then: only that rule reports, as a warning (exit 0)
    expect(run).toEqual({ code: 0, rules: ['sopflow/user-task-owner'] });
  });

  it('should load a third-party bpmnlint plugin installed next to the config', async () => {
    // given: bpmnlint-plugin-acme in node_modules beside the .bpmnlintrc, with a rule reporting every task
    const plugin = join(dir, 'node_modules/bpmnlint-plugin-acme');
    mkdirSync(join(plugin, 'rules'), { recursive: true });
    writeFileSync(join(plugin, 'package.json'), JSON.stringify({ name: 'bpmnlint-plugin-acme', main: 'index.js' }));
    writeFileSync(
      join(plugin, 'index.js'),
      "module.exports = { configs: { recommended: { rules: { 'acme/no-tasks': 'error' } } }, rules: { 'no-tasks': './rules/no-tasks.js' } };",
    );
    writeFileSync(
      join(plugin, 'rules/no-tasks.js'),
      "module.exports = () => ({ check(node, reporter) { if (node.$type === 'bpmn:UserTask') reporter.report(node.id, 'Tasks are not allowed here'); } });",
    );
    writeFileSync(join(dir, '.bpmnlintrc'), JSON.stringify({ extends: 'plugin:acme/recommended' }));
    // when
    const out = io(dir);
    const code = await main(['validate', 'ownerless.bpmn', '--format', 'json', '--no-soundness'], out);
    // then
    expect(code).toBe(1);
    const problems = JSON.parse(out.out)[0].problems as Array<{ rule: string; message: string }>;
    expect(problems.map((p) => [p.rule, p.message])).toEqual([['acme/no-tasks', 'Tasks are not allowed here']]);
  });

  it.each([
    ['an unknown rule', { rules: { 'no-such-rule': 'error' } }, /\.bpmnlintrc: .*no-such-rule/],
    ['an unknown plugin config', { extends: 'plugin:nosuch/recommended' }, /\.bpmnlintrc: .*nosuch/],
    ['an unknown sopflow rule', { rules: { 'sopflow/no-such-rule': 'warn' } }, /\.bpmnlintrc: .*no-such-rule/],
    ['not an object', [1, 2], /\.bpmnlintrc: expected an object with "extends" and\/or "rules"/],
  ])('should refuse %s in .bpmnlintrc with exit 2 and a message naming the file, before reading diagrams', async (_, config, message) => {
    // given
    writeFileSync(join(dir, '.bpmnlintrc'), JSON.stringify(config));
    // when
    const out = io(dir);
    const code = await main(['validate', 'ownerless.bpmn'], out);
    // then
    expect(code).toBe(2);
    expect(out.err).toMatch(message);
    expect(out.err).not.toMatch(/unexpected error|\n\s+at /);
    expect(out.out).toBe('');
  });

  it('should name a --config file that does not exist or is not JSON', async () => {
    const missing = io(dir);
    expect(await main(['validate', 'ownerless.bpmn', '--config', 'nope.json'], missing)).toBe(2);
    expect(missing.err).toContain('--config nope.json: no such file.');
    writeFileSync(join(dir, 'broken.json'), '{ "rules": ');
    const broken = io(dir);
    expect(await main(['validate', 'ownerless.bpmn', '--config', 'broken.json'], broken)).toBe(2);
    expect(broken.err).toMatch(/broken\.json: not valid JSON/);
  });

  it('should search a folder named like a diagram, and exit 2 naming an input that cannot be read', async () => {
    // given: a directory whose name ends in .bpmn, named explicitly
    mkdirSync(join(dir, 'folder.bpmn'));
    copyFileSync(CLEAN, join(dir, 'folder.bpmn/inside.bpmn'));
    // when
    const out = io(dir);
    const code = await main(['validate', 'folder.bpmn/inside.bpmn', 'folder.bpmn', '--no-soundness'], out);
    // then: a folder is searched for diagrams (not read as one), so this one is clean…
    expect(code).toBe(0);
    // …while a link to nowhere (a file gone between listing and reading) is an I/O error naming it
    symlinkSync(join(dir, 'no/such/target.bpmn'), join(dir, 'dangling.bpmn'));
    const gone = io(dir);
    expect(await main(['validate', 'dangling.bpmn'], gone)).toBe(2);
    expect(gone.err).toContain('dangling.bpmn');
    expect(gone.err).not.toMatch(/unexpected error|\n\s+at /);
  });

  it('should exit 2 on a malformed glob', async () => {
    const out = io(dir);
    expect(await main(['validate', '**/[.bpmn'], out)).toBe(2);
    expect(out.err).not.toMatch(/unexpected error|\n\s+at /);
  });
});
