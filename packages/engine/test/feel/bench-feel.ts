/**
 * µs per evaluation: compiled FEEL (fast path or narrowed feelin fallback)
 * against `feelin.evaluate` on the same expression and context.
 *
 *   npx tsx packages/engine/test/feel/bench-feel.ts
 */
import { evaluate } from 'feelin';
import { compileFeel, toPlain } from '../../src/feel/index.js';

/** Variables of a typical process instance: a few used, most not. */
const context: Record<string, unknown> = {
  amount: 42_000,
  severity: 'urgent',
  departments: ['finance', 'legal'],
  countersigns: [
    { by: 'ana', approved: true },
    { by: 'li', approved: true },
  ],
  department: 'finance',
  decision: 'approve',
  mismatches: 1,
  reopens: 2,
  customer: { id: 'C-1001', name: 'ACME 有限公司', tier: 'gold', address: { city: 'Lyon', zip: '69001' } },
  items: Array.from({ length: 10 }, (_, i) => ({ sku: `SKU-${i}`, qty: i + 1, price: 9.5 * (i + 1) })),
  notes: 'Customer called twice about the invoice; escalate if no answer by Friday.',
  history: Array.from({ length: 20 }, (_, i) => ({ step: `task_${i}`, by: 'system', at: `2024-05-${String(i + 1).padStart(2, '0')}T10:00:00Z` })),
  requester: 'ana@example.com',
  priority: 3,
  approved: true,
};

const EXPRESSIONS = [
  'amount <= 50000',
  'severity = "urgent"',
  'if severity = "urgent" then duration("PT30M") else duration("PT2H")',
  'count(departments) > 1',
  'all(for c in countersigns return c.approved)',
  'department + "-heads"',
  'decision = "cancel"',
  'mismatches < 3',
  'if reopens = null then 1 else reopens + 1',
  'customer.tier in ["gold", "platinum"] and amount between 1000 and 50000',
  // outside the fast subset: feelin on the narrowed context
  'items[qty > 5].sku',
  'matches(decision, "^app")',
];

/** The best of five 100 ms rounds, so that other work on the machine distorts less. */
function microsecondsPerCall(run: () => unknown): number {
  for (let i = 0; i < 2_000; i++) run();
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    let iterations = 0;
    const start = performance.now();
    let elapsed = 0;
    while (elapsed < 100) {
      for (let i = 0; i < 200; i++) run();
      iterations += 200;
      elapsed = performance.now() - start;
    }
    best = Math.min(best, (elapsed * 1000) / iterations);
  }
  return best;
}

function format(us: number): string {
  return us < 10 ? us.toFixed(2) : us.toFixed(0);
}

const rows: string[] = [];
let totalCompiled = 0;
let totalFeelin = 0;
for (const expression of EXPRESSIONS) {
  const compiled = compileFeel(expression);
  if (JSON.stringify(compiled.evaluate(context)) !== JSON.stringify(toPlain(evaluate(expression, context).value))) {
    throw new Error(`results differ for ${expression}`);
  }
  const compile = microsecondsPerCall(() => compileFeel(expression));
  const ours = microsecondsPerCall(() => compiled.evaluate(context));
  const theirs = microsecondsPerCall(() => toPlain(evaluate(expression, context).value));
  const needed = Object.fromEntries(compiled.variables.filter((name) => name in context).map((name) => [name, context[name]]));
  const theirsNarrow = microsecondsPerCall(() => toPlain(evaluate(expression, needed).value));
  totalCompiled += ours;
  totalFeelin += theirs;
  rows.push(
    `| \`${expression}\` | ${compiled.fast ? 'fast' : 'fallback'} | ${format(ours)} | ${format(theirs)} | ${format(theirsNarrow)} | ${Math.round(theirs / ours)}× | ${format(compile)} |`,
  );
}

console.log(`Node ${process.version}, context of ${Object.keys(context).length} variables\n`);
console.log('| expression | path | compiled µs | feelin µs (whole context) | feelin µs (only its variables) | speed-up | compileFeel µs (once) |');
console.log('|---|---|---:|---:|---:|---:|---:|');
console.log(rows.join('\n'));
console.log(`| **all ${EXPRESSIONS.length}, one after the other** | | ${format(totalCompiled)} | ${format(totalFeelin)} | | ${Math.round(totalFeelin / totalCompiled)}× | |`);
