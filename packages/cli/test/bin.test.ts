import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../', import.meta.url));
const manifest = JSON.parse(readFileSync(`${cli}package.json`, 'utf8'));
const bin: string = manifest.bin.sopflow;

describe('the sopflow binary', () => {
  it('should be a committed file outside dist, so npm links it in a fresh clone before the build', () => {
    // npm links bins before `prepare` builds dist/ and skips a bin whose file is missing
    expect(bin.replace(/^\.\//, '')).not.toMatch(/^dist\//);
    const tracked = execFileSync('git', ['ls-files', '--error-unmatch', bin], { cwd: cli, encoding: 'utf8' });
    expect(tracked.trim()).toBe(bin.replace(/^\.\//, ''));
    expect(readFileSync(`${cli}${bin}`, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(manifest.files).toEqual(expect.arrayContaining(['bin', 'dist', 'schemas']));
  });

  it.runIf(existsSync(`${cli}dist/bin.js`))('should run the built command through it', () => {
    const out = execFileSync(process.execPath, [`${cli}${bin}`, '--help'], { encoding: 'utf8' });
    expect(out).toContain('Usage: sopflow <command>');
  });

  it.runIf(existsSync(`${cli}dist/bin.js`))('should run the acceptance scenarios and validate the examples as CI runs them, through the binary', () => {
    const repo = `${cli}../../`;
    const tested = spawnSync(process.execPath, [`${cli}${bin}`, 'test', 'examples'], { cwd: repo, encoding: 'utf8' });
    expect(tested.stdout).toContain('Scenarios: 9 passed, 0 failed, 9 total');
    expect(tested.status).toBe(0);
    const validated = spawnSync(process.execPath, [`${cli}${bin}`, 'validate', 'examples/**/*.bpmn'], { cwd: repo, encoding: 'utf8' });
    expect(validated.stdout).toMatch(/✓ \d+ files? checked, no problems/);
    expect(validated.status).toBe(0);
  }, 120_000);
});
