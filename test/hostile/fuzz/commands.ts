/**
 * fast-check generators of what users, workers and time do to running
 * instances: start, complete, claim, correlate, signal, advance the virtual
 * clock, cancel, set variables, resolve incidents, external workers that
 * complete, fail or throw, redeploy — and what in-process job handlers answer. Every
 * choice that depends on the engine's state is an index taken modulo what is
 * open at that moment, so one sequence applies to any store.
 */
import fc from 'fast-check';
import { MESSAGES, SIGNALS } from './diagrams.js';

/** Variables as commands send them: mostly the ones conditions read, sometimes hostile. */
export type Vars = Record<string, unknown>;

export type Command =
  | { t: 'start'; vars: Vars; key: number; businessKey: string | null }
  | { t: 'complete'; pick: number; by: 'system' | 'alice' | 'bob' | 'mallory'; vars: Vars }
  | { t: 'claim'; pick: number; user: 'alice' | 'bob' }
  | { t: 'correlate'; name: string; key: number | null; vars: Vars }
  | { t: 'signal'; name: string; vars: Vars }
  | { t: 'advance'; ms: number }
  | { t: 'cancel'; pick: number }
  | { t: 'setVariables'; pick: number; vars: Vars }
  | { t: 'resolve'; pick: number; vars: Vars }
  /** An external worker fetches a job and completes, fails or throws at once — or holds it for a `lateWorker`. */
  | { t: 'worker'; workerId: 'w1' | 'w2'; action: 'complete' | 'fail' | 'error' | 'hold'; lockMs: number; vars: Vars }
  /** A worker completes the job it held (maybe after its lease ran out and moved to the other worker). */
  | { t: 'lateWorker'; workerId: 'w1' | 'w2'; vars: Vars }
  /** Deploys the diagram again, changed (a new version; running instances keep theirs). */
  | { t: 'redeploy'; n: number };

/** What an in-process handler does with one job attempt. */
export type Outcome = { ok: Vars } | { fail: string } | { bpmnError: string } | 'throw-non-error' | 'bad-result' | 'bpmn-error-bad-variables';

const MIN = 60_000;

const plain: fc.Arbitrary<Vars> = fc.record(
  {
    x: fc.integer({ min: -3, max: 12 }),
    flag: fc.boolean(),
    name: fc.constantFrom('', 'ann', 'Zoë', '王芳芳', 'x'.repeat(40)),
    owner: fc.constantFrom('alice', 'bob'),
  },
  { requiredKeys: [] },
);

/** Values the engine must refuse with a typed error (VariableError), never store. */
const hostile: fc.Arbitrary<Vars> = fc.constantFrom<() => Vars>(
  () => JSON.parse('{"__proto__": {"polluted": true}}') as Vars,
  () => ({ constructor: { prototype: { polluted: true } } }),
  () => ({ f: () => 1 }),
  () => ({ big: 10n }),
  () => ({ when: new Date(0) }),
  () => ({ n: Number.NaN }),
  () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    return { cyclic };
  },
).map((make) => make());

export const vars: fc.Arbitrary<Vars> = fc.oneof({ weight: 12, arbitrary: plain }, { weight: 1, arbitrary: hostile });

const pick = fc.nat({ max: 7 });

export const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('start' as const), vars: plain, key: fc.nat({ max: 3 }), businessKey: fc.constantFrom<string | null>(null, 'BK-1', 'BK-2') }) },
  {
    weight: 8,
    arbitrary: fc.record({ t: fc.constant('complete' as const), pick, by: fc.constantFrom('system' as const, 'system' as const, 'alice' as const, 'bob' as const, 'mallory' as const), vars }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('claim' as const), pick, user: fc.constantFrom('alice' as const, 'bob' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('correlate' as const), name: fc.constantFrom(...MESSAGES, 'unknown'), key: fc.option(fc.nat({ max: 3 }), { freq: 5 }), vars }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('signal' as const), name: fc.constantFrom(...SIGNALS), vars }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.constantFrom(1 * MIN, 5 * MIN, 31 * MIN, 61 * MIN, 4 * 60 * MIN, 25 * 60 * MIN) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('cancel' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('setVariables' as const), pick, vars }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('resolve' as const), pick, vars: plain }) },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('worker' as const),
      workerId: fc.constantFrom('w1' as const, 'w2' as const),
      action: fc.constantFrom('complete' as const, 'complete' as const, 'fail' as const, 'error' as const, 'hold' as const),
      lockMs: fc.constantFrom(2 * MIN, 60 * MIN),
      vars,
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('lateWorker' as const), workerId: fc.constantFrom('w1' as const, 'w2' as const), vars: plain }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('redeploy' as const), n: fc.nat({ max: 2 }) }) },
);

const start = fc.record({ t: fc.constant('start' as const), vars: plain, key: fc.nat({ max: 3 }), businessKey: fc.constant(null) });

/** One to three starts, then anything. */
export const commands: fc.Arbitrary<Command[]> = fc
  .tuple(fc.array(start, { minLength: 1, maxLength: 3 }), fc.array(command, { minLength: 3, maxLength: 30, size: 'medium' }))
  .map(([starts, rest]) => [...starts, ...rest]);

export const outcome: fc.Arbitrary<Outcome> = fc.oneof(
  { weight: 6, arbitrary: plain.map((v) => ({ ok: v })) },
  { weight: 2, arbitrary: fc.constant({ fail: 'service unavailable' }) },
  { weight: 2, arbitrary: fc.constantFrom('E', 'F', 'Z').map((code) => ({ bpmnError: code })) },
  { weight: 1, arbitrary: fc.constantFrom<Outcome>('throw-non-error', 'bad-result', 'bpmn-error-bad-variables') },
);

/** Handler answers, chosen per job attempt by a hash of its idempotency key. */
export const outcomes = fc.array(outcome, { minLength: 1, maxLength: 6 });
