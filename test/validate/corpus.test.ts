import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from 'bpmnlint-plugin-sopflow';
import { validateFile } from '../../packages/cli/src/validate/validateFile.js';

import { CORPUS, corpusAvailable } from '../support/corpus.js';


function bpmnFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? bpmnFiles(path) : /\.bpmn(20\.xml)?$/.test(name) ? [path] : [];
  });
}

describe.runIf(corpusAvailable)('sopflow validate over the real-world corpus', () => {
  it('should give every file a result without crashing, and print the findings per rule', async () => {
    // given
    const files = bpmnFiles(CORPUS);
    expect(files.length).toBeGreaterThan(400);
    const perRule = new Map<string, number>();
    let clean = 0;
    // when
    for (const file of files) {
      const problems = await validateFile(file, relative(CORPUS, file), { config: DEFAULT_CONFIG, calendars: [], maxStates: 20_000 });
      if (!problems.length) clean += 1;
      for (const p of problems) perRule.set(p.rule, (perRule.get(p.rule) ?? 0) + 1);
    }
    // then
    const table = [...perRule].sort((a, b) => b[1] - a[1]).map(([rule, n]) => `  ${String(n).padStart(5)}  ${rule}`);
    console.log(`sopflow validate over ${files.length} corpus files: ${clean} clean, ${files.length - clean} with findings\n${table.join('\n')}`);
    expect(perRule.size).toBeGreaterThan(5);
  }, 300_000);
});
