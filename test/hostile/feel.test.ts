/**
 * Hostile FEEL (issue 10, "Hostile input"): huge and deeply nested
 * expressions, lookups reaching JavaScript internals, catastrophic regular
 * expressions, ranges and lists that would exhaust memory, functions and
 * `__proto__` keys in and out of the context. Each is refused with a typed
 * ExpressionError (its own code) in bounded time and memory, and a running
 * engine keeps serving its other instances.
 */
import { readFile } from 'node:fs/promises';
import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import {
  BpmnValidationError,
  compileFeel,
  createEngine,
  DEFAULT_FEEL_LIMITS,
  ExpressionError,
  translateJuel,
  VariableError,
  VirtualClock,
  type Engine,
  type FeelLimits,
} from '@sopflow/engine';

const T0 = '2026-04-06T09:00:00Z';

async function fixture(name: string): Promise<string> {
  return readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

function newEngine(options: { feelLimits?: FeelLimits } = {}): Engine {
  let n = 0;
  return createEngine({ clock: new VirtualClock(T0), ids: () => `id-${++n}`, scheduler: false, ...options });
}

/** The ExpressionError `fn` throws (fails the test if it throws anything else, or nothing). */
function expressionError(fn: () => unknown): ExpressionError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return error as ExpressionError;
  }
  throw new Error('expected an ExpressionError, but nothing was thrown');
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = fn();
  return { value, ms: performance.now() - started };
}

const where = { elementId: 'Task_1', attribute: 'sop:expression' };

describe('hostile FEEL: size and nesting of the source', () => {
  it('should refuse an expression longer than maxLength at compile time, naming the element and the limit', () => {
    // given
    const source = `"${'a'.repeat(20_000)}"`;
    // when
    const error = expressionError(() => compileFeel(source, where));
    // then
    expect(error.code).toBe('feel.too-long');
    expect(error.message).toContain('<Task_1> sop:expression');
    expect(error.message).toContain(`limit of ${DEFAULT_FEEL_LIMITS.maxLength}`);
    expect(error.message).toContain('maxLength');
    expect(error.message.length).toBeLessThan(500);
    expect(error.details).toMatchObject({ elementId: 'Task_1', limit: 10_000, actual: 20_002 });
  });

  it('should accept that expression when maxLength is raised', () => {
    // given
    const source = `"${'a'.repeat(20_000)}"`;
    // when
    const value = compileFeel(source, where, { maxLength: 30_000 }).evaluate({});
    // then
    expect(value).toBe('a'.repeat(20_000));
  });

  it('should refuse an 80 KB list literal before feelin parses it (feelin aborts the process on it)', () => {
    // given: 40,000 items; feelin's parser needs ~1 GB and more for this and the process dies with a fatal OOM
    const source = `[${Array(40_000).fill('1').join(',')}]`;
    // when: even with the length limit off, the item count refuses it
    const { value: error, ms } = timed(() => expressionError(() => compileFeel(source, where, { maxLength: Infinity })));
    // then
    expect(error.code).toBe('feel.too-many-items');
    expect(error.message).toContain(`more than ${DEFAULT_FEEL_LIMITS.maxItems} items`);
    expect(ms).toBeLessThan(200);
    // and with the defaults, the length limit refuses it first
    expect(expressionError(() => compileFeel(source)).code).toBe('feel.too-long');
  });

  it('should count items per literal: many small lists pass, maxItems can be raised', () => {
    // given
    const nested = `[${Array.from({ length: 50 }, () => `[${Array(20).fill('1').join(',')}]`).join(',')}]`;
    const wide = `count([${Array(1_500).fill('1').join(',')}])`;
    // when / then
    expect(compileFeel(nested).evaluate({})).toHaveLength(50);
    expect(expressionError(() => compileFeel(wide)).code).toBe('feel.too-many-items');
    expect(compileFeel(wide, undefined, { maxItems: 2_000 }).evaluate({})).toBe(1_500);
  });

  it('should refuse 100,000 nested parentheses with a typed error, without a stack overflow', () => {
    // given
    const source = `${'('.repeat(100_000)}1${')'.repeat(100_000)}`;
    // when
    const { value: error, ms } = timed(() => expressionError(() => compileFeel(source, where, { maxLength: Infinity })));
    // then
    expect(error.code).toBe('feel.too-deep');
    expect(error.message).toContain(`${DEFAULT_FEEL_LIMITS.maxDepth} levels`);
    expect(ms).toBeLessThan(200);
  });

  it('should refuse nesting without brackets (a chain of 5,000 unary minus signs) from the parse tree', () => {
    // given
    const source = `${'-'.repeat(5_000)}1`;
    // when
    const error = expressionError(() => compileFeel(source, where));
    // then
    expect(error.code).toBe('feel.too-deep');
    expect(error.details).toMatchObject({ limit: 100 });
  });

  it('should accept deeper nesting when maxDepth is raised', () => {
    // given
    const source = `${'('.repeat(150)}1${')'.repeat(150)} + 1`;
    // when / then
    expect(expressionError(() => compileFeel(source)).code).toBe('feel.too-deep');
    expect(compileFeel(source, undefined, { maxDepth: 400 }).evaluate({})).toBe(2);
  });

  it('should refuse a limit that is not a positive number', () => {
    // when / then
    expect(() => compileFeel('1', undefined, { maxSteps: -1 })).toThrow(expect.objectContaining({ code: 'feel.invalid-options' }));
    expect(() => compileFeel('1', undefined, { maxDepth: 1.5 })).toThrow(expect.objectContaining({ code: 'feel.invalid-options' }));
  });
});

describe('hostile FEEL: lookups that reach JavaScript internals', () => {
  const context = { x: { a: 1 }, s: 'text', xs: [1, 2], d: '2024-05-01' };
  const probes = [
    'x.constructor',
    'x.__proto__',
    'x.prototype',
    'x.toString',
    'x.hasOwnProperty',
    'x.constructor.constructor',
    'x.__proto__.polluted',
    's.constructor',
    's.length',
    '"abc".toString',
    'date(d).constructor',
    'date("2024-05-01").toString',
    'duration("PT1H").constructor',
    '{a: 1}.constructor',
    '{a: 1}.__proto__',
    'now().constructor',
    'matches.constructor',
    'count.prototype',
    'count.prototype.constructor',
    'string length.name',
    '(count).length',
    '{f: count}.f.prototype',
    '(function(a) a).parameterNames',
    '(function(a) a).fn',
    'string(1).constructor',
    'upper case(s).constructor',
    'get value(x, "constructor")',
    'get value(x, "__proto__")',
    'get value({}, "toString")',
    'constructor',
    '__proto__',
    'toString',
    'valueOf',
    'constructor.constructor("return process")()',
    'x.constructor.constructor("return process")()',
  ];

  it.each(probes)('should give null for %s, never a JS function or object', (source) => {
    // when
    const value = compileFeel(source).evaluate(context);
    // then
    expect(value).toBeNull();
  });

  it('should map a lookup of an internal over a list to nulls', () => {
    // when
    const value = compileFeel('xs.constructor').evaluate(context);
    // then
    expect(value).toEqual([null, null]);
  });

  it('should refuse bpmn-engine-style JUEL `${constructor.constructor("return process")()}` at deploy: it is never run', async () => {
    // given
    const engine = newEngine();
    const xml = await fixture('feel.juel-constructor.bpmn');
    // when
    const error = await engine.deploy(xml).catch((e: unknown) => e);
    // then
    expect(translateJuel('${constructor.constructor("return process")()}')).toBeNull();
    expect(error).toBeInstanceOf(BpmnValidationError);
    expect((error as BpmnValidationError).problems).toEqual([
      expect.objectContaining({ code: 'expression.juel', elementId: 'f_decide_pwned', severity: 'error' }),
    ]);
  });

  it('should evaluate the FEEL spelling of that attack to null in a running instance, never a Function', async () => {
    // given
    const engine = newEngine();
    await engine.deploy(await fixture('feel.feel-constructor.bpmn'));
    // when
    const instance = await engine.start('feel-constructor');
    // then
    expect(instance.incidents).toEqual([]);
    expect(instance.variables).toEqual({ probed: null });
    expect(instance.activities.map((a) => a.node)).toEqual(['review']);
  });
});

describe('hostile FEEL: regular expressions run in linear time (RE2)', () => {
  it('should answer the catastrophic pattern at once (feelin\'s RegExp blocks for about 30 s)', () => {
    // given
    const compiled = compileFeel('matches("aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "(a+)+$")');
    // when
    const { value, ms } = timed(() => compiled.evaluate({}));
    // then
    expect(value).toBe(false);
    expect(ms).toBeLessThan(500);
  });

  it('should stay linear on a 100,000-character input with a pattern from a variable, in replace and split too', () => {
    // given
    const input = `${'a'.repeat(100_000)}!`;
    const context = { input, pattern: '(a+)+$', nested: '(a|aa)+$' };
    // when
    const { value, ms } = timed(() => [
      compileFeel('matches(input, pattern)').evaluate(context),
      compileFeel('matches(input, nested)').evaluate(context),
      compileFeel('string length(replace(input, pattern, "x"))').evaluate(context),
      compileFeel('count(split(input, "(a*)*b"))').evaluate(context),
    ]);
    // then
    expect(value).toEqual([false, false, 100_001, 1]);
    expect(ms).toBeLessThan(5_000);
  });

  it('should give feelin\'s results for ordinary patterns', () => {
    // given
    const cases = [
      'matches("foobar", "^fo*b")',
      'matches("abc", "B")',
      'matches("2024-05-01", "^\\d{4}-\\d{2}-\\d{2}$")',
      'matches("été", "^\\p{L}+$")',
      'replace("abc", "b", "[$0]")',
      'replace("abcd", "(b)(c)", "$2$1")',
      'replace("a.b.c", "\\.", "/")',
      'replace("abc", "x*", "-")',
      'replace("banana", "(an)+", "<$1>")',
      'split("a,b,,c,", ",")',
      'split("a1b22c333", "\\d+")',
      'split("abc", "")',
      'split("", ",")',
    ];
    for (const source of cases) {
      // when
      const ours = compileFeel(source).evaluate({});
      // then
      expect(ours, source).toEqual(evaluate(source, {}).value);
    }
  });

  it('should give null, not undefined, for a group that took no part in a split', () => {
    // when
    const value = compileFeel('split("a-b_c", "(-)|_")').evaluate({});
    // then
    expect(value).toEqual(['a', '-', 'b', null, 'c']);
  });

  it('should read the flags i, s, m and x as FEEL (XPath) defines them', () => {
    // when / then
    const results = [
      ['matches("ABC", "b", "i")', true],
      ['matches("ABC", "b")', false],
      [String.raw`matches("a\nb", "a.b")`, false],
      [String.raw`matches("a\nb", "a.b", "s")`, true],
      [String.raw`matches("one\ntwo", "^two$")`, false],
      [String.raw`matches("one\ntwo", "^two$", "m")`, true],
      ['matches("helloworld", "hello world", "x")', true],
      ['matches("hello world", "hello[ ]world", "x")', true],
      ['matches("hello world", "hello world", "x")', false],
      ['replace("Hello", "h e l", "J", "ix")', 'Jlo'],
    ] as const;
    for (const [source, expected] of results) expect(compileFeel(source).evaluate({}), source).toBe(expected);
  });

  it('should refuse an invalid pattern or flag with feel.invalid-pattern (feelin quietly gives null)', () => {
    // given
    const sources = ['matches("abc", "(")', 'matches("abc", "(?=a)b")', 'matches("aa", "(a)\\1")', 'replace("a", "[", "b")', 'split("a", "*")', 'matches("abc", "b", "g")'];
    for (const source of sources) {
      // when
      const error = expressionError(() => compileFeel(source, where).evaluate({}));
      // then
      expect(error.code, source).toBe('feel.invalid-pattern');
      expect(error.message).toContain('<Task_1>');
      expect(error.message).toMatch(/invalid regular expression/);
    }
  });

  it('should leave a variable named like the built-in in charge, as feelin does', () => {
    // when
    const value = compileFeel('matches').evaluate({ matches: 'a variable' });
    // then
    expect(value).toBe('a variable');
  });
});

describe('hostile FEEL: ranges, loops and recursion are bounded by the step budget', () => {
  it('should refuse for x in 1..10000000 at once, without building the list', () => {
    // given
    const compiled = compileFeel('for x in 1..10000000 return x', where);
    const heapBefore = process.memoryUsage().heapUsed;
    // when
    const { value: error, ms } = timed(() => expressionError(() => compiled.evaluate({})));
    // then
    expect(error.code).toBe('feel.too-many-steps');
    expect(error.message).toContain(`more than ${DEFAULT_FEEL_LIMITS.maxSteps} steps`);
    expect(error.message).toContain('maxSteps');
    expect(ms).toBeLessThan(500);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('should enumerate a range within the budget, and refuse it under a smaller one', () => {
    // given
    const source = 'count(for x in 1..100 return x)';
    // when / then
    expect(compileFeel(source).evaluate({})).toBe(100);
    expect(expressionError(() => compileFeel(source, undefined, { maxSteps: 50 }).evaluate({})).code).toBe('feel.too-many-steps');
  });

  it('should refuse a range feelin would enumerate for ever (bounds not whole numbers apart, or (n..n])', () => {
    // when / then
    for (const source of ['for x in 1..1.5 return x', 'for x in 0.1..2 return x', 'for x in (1..1] return x', 'for x in 1..99999999999999999999 return x']) {
      const { value: error, ms } = timed(() => expressionError(() => compileFeel(source).evaluate({})));
      expect(['feel.unbounded-range', 'feel.too-many-steps'], source).toContain(error.code);
      expect(ms).toBeLessThan(500);
    }
  });

  it('should stop nested loops over variables (200³ iterations) within the budget, on the fallback and the fast path', () => {
    // given
    const xs = Array.from({ length: 200 }, (_, i) => i);
    const fallback = compileFeel('for x in xs, y in xs, z in xs return 1');
    const fast = compileFeel('count(for x in xs return for y in xs return for z in xs return 1)');
    expect([fallback.fast, fast.fast]).toEqual([false, true]);
    // when
    const { value: errors, ms } = timed(() => [expressionError(() => fallback.evaluate({ xs })), expressionError(() => fast.evaluate({ xs }))]);
    // then
    expect(errors.map((e) => e.code)).toEqual(['feel.too-many-steps', 'feel.too-many-steps']);
    expect(ms).toBeLessThan(5_000);
  });

  it('should charge filters and some/every too', () => {
    // given
    const xs = Array.from({ length: 2_000 }, (_, i) => i);
    // when / then
    expect(expressionError(() => compileFeel('count(xs[item > count(xs[item > 5])])').evaluate({ xs })).code).toBe('feel.too-many-steps');
    expect(expressionError(() => compileFeel('some x in xs satisfies some y in xs satisfies x + y < 0').evaluate({ xs })).code).toBe('feel.too-many-steps');
  });

  it('should stop exponential recursion of a function the expression defines', () => {
    // given
    const compiled = compileFeel('{f: function(n) if n = 0 then 0 else f(n - 1) + f(n - 1)}.f(40)');
    // when
    const { value: error, ms } = timed(() => expressionError(() => compiled.evaluate({})));
    // then
    expect(error.code).toBe('feel.too-many-steps');
    expect(ms).toBeLessThan(5_000);
  });

  it('should turn endless recursion into feel.too-deep, not a crash', () => {
    // when
    const error = expressionError(() => compileFeel('{f: function(n) f(n)}.f(1)').evaluate({}));
    // then
    expect(error.code).toBe('feel.too-deep');
  });

  it('should refuse a result larger than maxResultSize', () => {
    // given: 1,000 strings of 2,000 characters are 2 MB
    const compiled = compileFeel('for i in 1..1000 return s');
    // when
    const error = expressionError(() => compiled.evaluate({ s: 'x'.repeat(2_000) }));
    // then
    expect(error.code).toBe('feel.result-too-large');
    expect(compileFeel('for i in 1..1000 return s', undefined, { maxResultSize: 3_000_000 }).evaluate({ s: 'x'.repeat(2_000) })).toHaveLength(1_000);
  });
});

describe('hostile FEEL: only data goes in, only data comes out', () => {
  it('should never call a JavaScript function found in the context', () => {
    // given
    let called = 0;
    const probe = function (a: unknown) {
      called++;
      return `called ${String(a)}`;
    };
    for (const [source, context] of [
      ['f(1)', { f: probe }],
      ['x.f(1)', { x: { f: probe } }],
      ['xs[1](1)', { xs: [probe] }],
      ['f', { f: probe }],
      ['string(f)', { f: probe }],
    ] as const) {
      // when
      const error = expressionError(() => compileFeel(source).evaluate(context));
      // then
      expect(['feel.not-data', 'feel.error'], source).toContain(error.code);
    }
    expect(called).toBe(0);
  });

  it('should name the variable holding the function', () => {
    // when
    const error = expressionError(() => compileFeel('x.f(1)', where).evaluate({ x: { f: () => 1 } }));
    // then
    expect(error.code).toBe('feel.not-data');
    expect(error.message).toContain("'x.f' is a JavaScript function");
  });

  it('should refuse results with a __proto__, constructor or prototype key, and never pollute Object.prototype', () => {
    // given
    const sources = [
      '{"__proto__": {"polluted": true}}',
      '{a: {"__proto__": {"polluted": true}}}',
      '[{"__proto__": {"polluted": true}}]',
      'context put({}, "__proto__", {polluted: true})',
      'context([{key: "__proto__", value: {polluted: true}}])',
      'context merge([{}, {"__proto__": {"polluted": true}}])',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"prototype": 1}',
    ];
    for (const source of sources) {
      // when
      let outcome: unknown;
      try {
        outcome = compileFeel(source).evaluate({});
      } catch (error) {
        outcome = error;
      }
      // then: refused, or (feelin's context merge drops the entry) a plain value without the key
      if (outcome instanceof ExpressionError) expect(outcome.code, source).toBe('feel.forbidden-key');
      else expect(JSON.stringify(outcome), source).not.toMatch(/__proto__|polluted/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('should refuse a context variable carrying a __proto__ key or a cycle', () => {
    // given
    const polluted = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    // when / then
    expect(expressionError(() => compileFeel('x[1]').evaluate({ x: [polluted] })).code).toBe('feel.forbidden-key');
    expect(expressionError(() => compileFeel('{y: x}').evaluate({ x: cyclic })).code).toBe('feel.not-data');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('should never change the context it reads', () => {
    // given
    const context = { items: [{ qty: 2, sku: 'A' }, { qty: 1, sku: 'B' }], order: { total: 5 } };
    const before = structuredClone(context);
    // when
    for (const source of ['items[qty > 1].sku', 'for i in items return context put(i, "x", 1)', '{order: null}.order', 'order.total + 1', 'sort(items, function(a, b) a.qty < b.qty)']) {
      compileFeel(source).evaluate(context);
    }
    // then
    expect(context).toEqual(before);
  });

  it('should refuse functions in variables at the engine boundary', async () => {
    // given
    const engine = newEngine();
    await engine.deploy(await fixture('feel.steps-from-variables.bpmn'));
    // when
    const error = await engine.start('steps-from-variables', { variables: { n: 1, code: 'a', pattern: 'a', f: () => 1 } as never }).catch((e: unknown) => e);
    // then
    expect(error).toBeInstanceOf(VariableError);
    expect((error as VariableError).message).toContain("'f' is a function");
  });
});

describe('hostile FEEL in a running engine', () => {
  it('should raise an incident on the instance whose variables make FEEL too expensive, and keep serving the others', async () => {
    // given
    const engine = newEngine();
    await engine.deploy(await fixture('feel.steps-from-variables.bpmn'));
    const good = await engine.start('steps-from-variables', { variables: { n: 10, code: 'A-17', pattern: '^A-\\d+$' } });
    // when
    const { value: hostile, ms } = await (async () => {
      const started = performance.now();
      const value = await Promise.all([
        engine.start('steps-from-variables', { variables: { n: 10_000_000, code: 'x', pattern: 'x' } }),
        engine.start('steps-from-variables', { variables: { n: 1, code: `${'a'.repeat(29)}!`, pattern: '(a+)+$' } }),
        engine.start('steps-from-variables', { variables: { n: 1, code: 'x', pattern: '(?=x)' } }),
      ]);
      return { value, ms: performance.now() - started };
    })();
    // then
    expect(ms).toBeLessThan(5_000);
    expect(hostile[0].incidents).toEqual([expect.objectContaining({ kind: 'expression', node: 'enumerate' })]);
    expect(hostile[0].incidents[0].message).toMatch(/more than 1000000 steps/);
    expect(hostile[1].incidents).toEqual([]);
    expect(hostile[1].variables).toMatchObject({ matched: false });
    expect(hostile[2].incidents).toEqual([expect.objectContaining({ kind: 'expression', node: 'matchCode' })]);
    expect(hostile[2].incidents[0].message).toMatch(/invalid regular expression/);
    // and the good instance goes on
    expect(good.variables).toMatchObject({ counted: 10, matched: true });
    const [task] = (await engine.tasks({ instanceId: good.id })).items;
    await engine.complete(task.id, { by: { id: 'ann', groups: ['clerks'] } });
    expect((await engine.instance(good.id)).status).toBe('completed');
    expect((await engine.audit.verify()).ok).toBe(true);
  });

  it('should let feelLimits raise a limit for a whole engine (deploy and run)', async () => {
    // given: an expression of 12,000 characters
    const condition = `=code = "${'x'.repeat(12_000)}" or matches(code, pattern)`;
    expect(condition.length).toBeGreaterThan(10_000);
    const xml = (await fixture('feel.steps-from-variables.bpmn')).replace('sop:expression="=matches(code, pattern)"', `sop:expression="${condition.replaceAll('"', '&quot;')}"`);
    // when
    const refused = await newEngine().deploy(xml).catch((e: unknown) => e);
    const raised = newEngine({ feelLimits: { maxLength: 20_000 } });
    await raised.deploy(xml);
    const instance = await raised.start('steps-from-variables', { variables: { n: 1, code: 'x', pattern: 'x' } });
    // then
    expect(refused).toBeInstanceOf(BpmnValidationError);
    expect((refused as BpmnValidationError).problems).toEqual([expect.objectContaining({ elementId: 'matchCode', attribute: 'sop:expression', code: 'expression.invalid' })]);
    expect((refused as BpmnValidationError).message).toMatch(/maxLength/);
    expect(instance.variables).toMatchObject({ matched: true });
  });
});
