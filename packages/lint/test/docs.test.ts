import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { recommended, rules } from 'bpmnlint-plugin-sopflow';
import { describe, expect, it } from 'vitest';

const DOCS = fileURLToPath(new URL('../../../docs/rules/', import.meta.url));

describe('docs/rules', () => {
  it.each(Object.keys(rules))('should have a page for %s with an incorrect and a correct example', (id) => {
    // given
    const page = `${DOCS}${id}.md`;

    // when
    const text = existsSync(page) ? readFileSync(page, 'utf8') : '';

    // then
    expect(text).toMatch(new RegExp(`^# \`sopflow/${id}\``));
    expect(text).toContain('## Incorrect');
    expect(text).toContain('## Correct');
  });

  it.each(Object.keys(rules))('should list %s in the README with its recommended severity', (id) => {
    // given
    const readme = readFileSync(`${DOCS}README.md`, 'utf8');
    const setting = recommended.rules?.[`sopflow/${id}`];
    const severity = Array.isArray(setting) ? setting[0] : setting;

    // when
    const row = readme.split('\n').find((line) => line.startsWith(`| [\`sopflow/${id}\`](${id}.md) |`));

    // then
    expect(row?.trim().endsWith(`| ${severity} |`)).toBe(true);
  });
});
