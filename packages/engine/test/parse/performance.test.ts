import { describe, expect, it } from 'vitest';
import { parse } from '../../src/parse/index.js';
import { generateDiagram } from './generateDiagram.js';

async function timed(bytes: Uint8Array): Promise<{ ms: number; warnings: number; tasks: number }> {
  const started = performance.now();
  const result = await parse(bytes);
  const ms = performance.now() - started;
  const process = result.definitions.rootElements?.[0] as unknown as { flowElements: Array<{ $type: string }> };
  return { ms, warnings: result.warnings.length, tasks: process.flowElements.filter((e) => e.$type === 'bpmn:UserTask').length };
}

describe('parse: time on large generated diagrams', () => {
  it.each([
    ['1 MB', 1_000_000, 3_000],
    ['10 MB', 10_000_000, 20_000],
  ])('should parse a %s diagram well within its time budget', async (label, size, budgetMs) => {
    // given
    const bytes = new TextEncoder().encode(generateDiagram(size));
    expect(bytes.length).toBeGreaterThan(size * 0.99);
    expect(bytes.length).toBeLessThanOrEqual(size);
    await timed(bytes); // warm-up: JIT and moddle's type cache
    // when
    const runs = [await timed(bytes), await timed(bytes), await timed(bytes)];
    // then
    const median = runs.map((r) => r.ms).sort((a, b) => a - b)[1];
    console.log(`parse ${label} (${bytes.length} bytes, ${runs[0].tasks} user tasks): median ${median.toFixed(0)} ms of ${runs.map((r) => r.ms.toFixed(0)).join(', ')}`);
    expect(runs.every((r) => r.warnings === 0)).toBe(true);
    expect(runs[0].tasks).toBeGreaterThan(size / 1_000);
    expect(median).toBeLessThan(budgetMs);
  }, 120_000);
});
