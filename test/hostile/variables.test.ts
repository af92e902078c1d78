/**
 * Hostile variables (issue 10, "Hostile input"): values JSON has no form
 * for, cycles, huge payloads and prototype-pollution keys, through every
 * door variables come in by — start, task completion, message correlation,
 * signals, setVariables, an external worker's job completion or BPMN error,
 * and a job handler's result. Each is refused with a VariableError naming
 * the command, the path and what was expected; nothing moves (the
 * instance's revision and audit trail, its open tasks and jobs), and
 * Object.prototype is never touched.
 */
import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { checkVariables, createEngine, DEFAULT_VARIABLE_LIMITS, VariableError, VirtualClock, type Engine, type EngineOptions } from '@sopflow/engine';

const T0 = '2026-04-06T09:00:00Z';

async function fixture(): Promise<string> {
  return readFile(new URL('./fixtures/variables.entry-points.bpmn', import.meta.url), 'utf8');
}

/** The VariableError `fn` throws (fails the test if it throws anything else, or nothing). */
function variableError(fn: () => unknown): VariableError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(VariableError);
    return error as VariableError;
  }
  throw new Error('expected a VariableError, but nothing was thrown');
}

class Money {
  constructor(readonly amount: number) {}
}

function deeplyNested(depth: number): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let current = root;
  for (let i = 0; i < depth; i++) {
    const next: Record<string, unknown> = {};
    current.a = next;
    current = next;
  }
  return root;
}

const cyclic: Record<string, unknown> = { name: 'x' };
cyclic.self = cyclic;
const cyclicList: unknown[] = [1];
cyclicList.push({ back: cyclicList });
// eslint-disable-next-line no-sparse-arrays
const sparse = [1, , 3];
const withGetter = {
  get total() {
    throw new Error('a getter must never be called');
  },
};
const hostileProxy = new Proxy(
  {},
  {
    ownKeys() {
      throw new Error('trap');
    },
  },
);

/** [label, variables, reason, path, message fragment] */
const HOSTILE: Array<[string, unknown, string, string, RegExp]> = [
  ['a function', { f: () => 1 }, 'not-json', 'f', /'f' is a function/],
  ['a symbol value', { s: Symbol('s') }, 'not-json', 's', /'s' is a symbol/],
  ['a symbol key', { [Symbol('k')]: 1 }, 'not-json', '', /symbol keys/],
  ['a bigint', { n: 10n }, 'not-json', 'n', /'n' is a bigint/],
  ['NaN', { x: Number.NaN }, 'not-json', 'x', /'x' is NaN; only finite numbers/],
  ['Infinity', { x: { y: Infinity } }, 'not-json', 'x.y', /'x.y' is Infinity/],
  ['-Infinity', { x: [-Infinity] }, 'not-json', 'x[0]', /'x\[0\]' is -Infinity/],
  ['a Date', { at: new Date(0) }, 'not-json', 'at', /'at' is a Date; .*convert dates to ISO 8601 strings/],
  ['a class instance', { price: new Money(5) }, 'not-json', 'price', /'price' is a Money; only plain objects/],
  ['a Map', { m: new Map([['a', 1]]) }, 'not-json', 'm', /'m' is a Map/],
  ['a Set', { s: new Set([1]) }, 'not-json', 's', /'s' is a Set/],
  ['a boxed string', { s: new String('x') }, 'not-json', 's', /'s' is a String/],
  ['a typed array', { b: new Uint8Array(2) }, 'not-json', 'b', /'b' is a Uint8Array/],
  ['undefined in a list', { xs: [1, undefined] }, 'not-json', 'xs[1]', /'xs\[1\]' is a undefined/],
  ['a sparse array', { xs: sparse }, 'not-json', 'xs[1]', /hole in a sparse array/],
  ['a getter', { o: withGetter }, 'not-json', 'o.total', /getter/],
  ['a cycle', { a: cyclic }, 'cycle', 'a.self', /'a.self' refers back to itself/],
  ['a cycle through a list', { l: cyclicList }, 'cycle', 'l[1].back', /refers back to itself/],
  ['__proto__ at the top', JSON.parse('{"__proto__": {"polluted": true}}'), 'forbidden-key', '__proto__', /key '__proto__'/],
  ['__proto__ deep', JSON.parse('{"a": {"b": [{"__proto__": {"polluted": true}}]}}'), 'forbidden-key', 'a.b[0].__proto__', /key '__proto__' at 'a.b\[0\]'/],
  ['constructor', { a: { constructor: { prototype: { polluted: true } } } }, 'forbidden-key', 'a.constructor', /key 'constructor'/],
  ['prototype', { a: [{ prototype: 1 }] }, 'forbidden-key', 'a[0].prototype', /key 'prototype'/],
  ['a 2 MB string', { doc: 'x'.repeat(2_000_000) }, 'too-large', 'doc', /exceed 1000000 characters of JSON \(at 'doc'\).*variableLimits.maxBytes/],
  ['nesting 100 deep', deeplyNested(100), 'too-deep', `a${'.a'.repeat(DEFAULT_VARIABLE_LIMITS.maxDepth)}`, /nested deeper than 64 levels.*variableLimits.maxDepth/],
  ['nesting 100,000 deep', deeplyNested(100_000), 'too-deep', `a${'.a'.repeat(DEFAULT_VARIABLE_LIMITS.maxDepth)}`, /nested deeper than 64 levels/],
  ['a throwing Proxy', { p: hostileProxy }, 'unreadable', '', /could not be read/],
  ['a list instead of an object', [1, 2], 'not-an-object', '', /must be an object of name → value, got an array/],
  ['a string instead of an object', 'x', 'not-an-object', '', /got string/],
];

describe('checkVariables', () => {
  it.each(HOSTILE)('should refuse %s with the path and what was expected', (_label, variables, reason, path, message) => {
    // when
    const error = variableError(() => checkVariables(variables, 'start(p)'));
    // then
    expect(error.code).toBe('variables.invalid');
    expect(error.details).toMatchObject({ reason, path, where: 'start(p)' });
    expect(error.message).toMatch(/^start\(p\): /);
    expect(error.message).toMatch(message);
    expect(error.message.length).toBeLessThan(600);
  });

  it('should stop counting a huge list early, in bounded time', () => {
    // given: 5,000,000 numbers, 40 MB of JSON
    const big = { xs: new Array<number>(5_000_000).fill(0) };
    // when
    const started = performance.now();
    const error = variableError(() => checkVariables(big, 'start(p)'));
    // then
    expect(error.details).toMatchObject({ reason: 'too-large', path: expect.stringMatching(/^xs\[\d+\]$/) });
    expect(Number((error.details.path as string).slice(3, -1))).toBeLessThan(200_000);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('should let variableLimits raise the size and depth', () => {
    // when / then
    expect(checkVariables({ doc: 'x'.repeat(2_000_000) }, 'w', { maxBytes: 3_000_000, maxDepth: 64 })).toEqual({ doc: 'x'.repeat(2_000_000) });
    expect(() => checkVariables(deeplyNested(100), 'w', { maxBytes: 1_000_000, maxDepth: 200 })).not.toThrow();
  });

  it('should keep plain data and copy it: -0, null-prototype objects, undefined values dropped', () => {
    // given
    const input = { n: -0, o: Object.assign(Object.create(null) as object, { a: 1 }), gone: undefined, xs: [{ b: [null, true, 'é'] }] };
    // when
    const copy = checkVariables(input, 'w');
    // then
    expect(copy).toEqual({ n: -0, o: { a: 1 }, xs: [{ b: [null, true, 'é'] }] });
    expect(Object.is(copy.n, -0)).toBe(true);
    expect(Object.getPrototypeOf(copy.o)).toBe(Object.prototype);
    expect(copy.xs).not.toBe(input.xs);
  });

  it('should never call a getter, never pollute Object.prototype', () => {
    // when
    for (const [, variables] of HOSTILE) {
      try {
        checkVariables(variables, 'w');
      } catch {
        // refused, as the table above checks
      }
    }
    // then
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('hostile variables through every door of a running engine', () => {
  const engines: Engine[] = [];

  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  async function running(options: Partial<EngineOptions> = {}) {
    let n = 0;
    const engine = createEngine({ clock: new VirtualClock(T0), ids: () => `id-${++n}`, scheduler: false, ...options });
    engines.push(engine);
    await engine.deploy(await fixture());
    const instance = await engine.start('entry-points', { variables: { orderId: 'O-1' } });
    return { engine, instanceId: instance.id };
  }

  async function snapshot(engine: Engine, instanceId: string) {
    const record = await engine.store.getInstance(instanceId);
    return {
      rev: record?.rev,
      auditSeq: record?.auditSeq,
      events: (await engine.audit.query({ instanceId })).total,
      variables: record?.state.scopes[record.state.root]?.vars,
      tasks: (await engine.tasks({ instanceId })).items.map((t) => t.id),
      instances: (await engine.instances()).total,
    };
  }

  const payloads: Array<[string, Record<string, unknown>, string]> = [
    ['a function', { f: () => 1 }, 'not-json'],
    ['__proto__', JSON.parse('{"data": {"__proto__": {"polluted": true}}}') as Record<string, unknown>, 'forbidden-key'],
    ['a cycle', { a: cyclic }, 'cycle'],
    ['2 MB', { doc: 'x'.repeat(2_000_000) }, 'too-large'],
  ];

  it.each(payloads)('should refuse %s at start: no instance is created', async (_label, variables, reason) => {
    // given
    const { engine, instanceId } = await running();
    const before = await snapshot(engine, instanceId);
    // when
    const error = await engine.start('entry-points', { variables }).catch((e: unknown) => e);
    // then
    expect(error).toBeInstanceOf(VariableError);
    expect((error as VariableError).details).toMatchObject({ reason, where: 'start(entry-points)' });
    expect(await snapshot(engine, instanceId)).toEqual(before);
  });

  it.each(payloads)('should refuse %s on task completion, correlation, signal and setVariables, changing nothing', async (_label, variables, reason) => {
    // given
    const { engine, instanceId } = await running();
    const [task] = (await engine.tasks({ instanceId })).items;
    const before = await snapshot(engine, instanceId);
    // when
    const errors = [
      await engine.complete(task.id, { by: { id: 'ann', groups: ['clerks'] }, variables }).catch((e: unknown) => e),
      await engine.correlate('paid', { key: 'O-1', variables }).catch((e: unknown) => e),
      await engine.signal('go', { variables }).catch((e: unknown) => e),
      await engine.setVariables(instanceId, variables).catch((e: unknown) => e),
    ];
    // then
    for (const error of errors) {
      expect(error).toBeInstanceOf(VariableError);
      expect((error as VariableError).details.reason).toBe(reason);
    }
    expect(errors.map((e) => (e as VariableError).details.where)).toEqual([
      `complete(${task.id})`,
      'correlate(paid)',
      'signal(go)',
      `setVariables(${instanceId})`,
    ]);
    expect(await snapshot(engine, instanceId)).toEqual(before);
    // and the same doors still work with good data
    await engine.correlate('paid', { key: 'O-1', variables: { paid: true } });
    await engine.signal('go');
    await engine.complete(task.id, { by: { id: 'ann', groups: ['clerks'] }, variables: { filled: true } });
    expect((await engine.instance(instanceId)).variables).toMatchObject({ paid: true, filled: true });
  });

  it.each(payloads)('should refuse %s from an external worker (job completion and BPMN error): the job stays leased, nothing moves', async (_label, variables, reason) => {
    // given
    const { engine, instanceId } = await running();
    const [job] = await engine.jobs.fetchAndLock({ types: ['lookup'], workerId: 'w1' });
    const before = await snapshot(engine, instanceId);
    // when
    const completion = await engine.jobs.complete(job.id, { workerId: 'w1', variables }).catch((e: unknown) => e);
    const bpmnError = await engine.jobs.throwError(job.id, { workerId: 'w1', code: 'X', variables }).catch((e: unknown) => e);
    // then
    expect(completion).toBeInstanceOf(VariableError);
    expect((completion as VariableError).details).toMatchObject({ reason, where: `job.complete(${job.id})` });
    expect(bpmnError).toBeInstanceOf(VariableError);
    expect(await snapshot(engine, instanceId)).toEqual(before);
    expect(await engine.store.getJob(job.id)).toMatchObject({ lockedBy: 'w1' });
    // and the worker can still complete it with good data
    await engine.jobs.complete(job.id, { workerId: 'w1', variables: { found: 1 } });
    expect((await engine.instance(instanceId)).variables).toMatchObject({ found: 1 });
  });

  it('should fail the job of a handler returning hostile variables, with the path in the incident, and never store them', async () => {
    // given: handlers returning a function, and a __proto__ key
    const { engine, instanceId } = await running({
      scheduler: true,
      handlers: {
        enrich: () => ({ callback: () => 'never stored' }) as never,
        lookup: () => JSON.parse('{"result": {"__proto__": {"polluted": true}}}') as Record<string, unknown>,
      },
    });
    // when
    await engine.idle();
    // then
    const instance = await engine.instance(instanceId);
    const messages = instance.incidents.map((i) => `${i.node}: ${i.message}`).sort();
    expect(messages).toEqual([
      expect.stringMatching(/^enrich: .*handler 'enrich' result: 'callback' is a function/),
      expect.stringMatching(/^lookup: .*handler 'lookup' result: key '__proto__' at 'result' is not allowed/),
    ]);
    expect(instance.variables).toEqual({ orderId: 'O-1' });
    expect((await engine.audit.verify(instanceId)).ok).toBe(true);
  });
});
