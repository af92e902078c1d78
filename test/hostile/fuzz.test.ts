/**
 * Property tests with fast-check: random diagrams (test/hostile/fuzz/diagrams.ts)
 * driven by random command sequences (fuzz/commands.ts) on the memory store
 * and on the SQLite store, with the same ids and the same virtual clock.
 *
 * Invariants: no error escapes but a typed SopflowError subclass (a broken
 * diagram is refused at deploy with one, a valid one deploys); every audit
 * chain verifies; the rows are the projections of the instance states; a
 * task or job completes at most once; both stores end in the same state
 * (instances, tasks, jobs with their leases, timers, subscriptions, audit
 * trail, history) after the same outcomes.
 *
 * CI runs FUZZ_RUNS=100 scenarios (default). More: `FUZZ_RUNS=2000 npx vitest
 * run test/hostile/fuzz.test.ts`; replay a failure with the seed and path
 * fast-check prints: `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/hostile/fuzz.test.ts`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryStore, type Commit, type Store } from '@sopflow/engine';
import { openSqliteStore } from '@sopflow/store-sqlite';
import { commands, outcomes } from './fuzz/commands.js';
import { diagram, toXml, type Diagram } from './fuzz/diagrams.js';
import { EscapedError, InvariantError, runScenario, type RunResult, type Scenario } from './fuzz/run.js';
import { FrozenMemoryStore } from '../support/frozenStore.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
const PATH = process.env.FUZZ_PATH;

/** Runs a scenario on the memory store and on SQLite (each checks the invariants) and expects the same ends; returns the memory run. */
async function onBothStores(scenario: Scenario): Promise<RunResult> {
  // Frozen commits: a step writing into the state it started from fails the scenario.
  const memory = await runScenario(new FrozenMemoryStore(), scenario);
  const sqlite = openSqliteStore(':memory:');
  let lite: RunResult;
  try {
    lite = await runScenario(sqlite, scenario);
  } finally {
    await sqlite.close();
  }
  expect(lite.outcomes).toEqual(memory.outcomes);
  expect(lite.engineErrors).toEqual(memory.engineErrors);
  expect(lite.state).toEqual(memory.state);
  return memory;
}

describe('fuzz: random diagrams and command sequences', () => {
  it('should keep every invariant and end in the same state on the memory and the SQLite store', async () => {
    const tally = { scenarios: 0, deployed: 0, refused: 0, commands: 0, refusedCommands: 0 };
    await fc.assert(
      fc.asyncProperty(diagram, commands, outcomes, async (d, cmds, answers) => {
        // given
        const scenario = { xml: toXml(d), commands: cmds, outcomes: answers };
        // when / then
        const memory = await onBothStores(scenario);
        if (d.corruption.kind === 'none') expect(memory.outcomes[0], 'a generated valid diagram deploys').toBe('ok');
        tally.scenarios += 1;
        if (memory.outcomes[0] === 'ok') tally.deployed += 1;
        else tally.refused += 1;
        tally.commands += memory.outcomes.length - 1;
        tally.refusedCommands += memory.outcomes.slice(1).filter((o) => /\./.test(o)).length;
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), ...(PATH ? { path: PATH } : {}) },
    );
    expect(tally.scenarios).toBeGreaterThan(0);
    console.info(`fuzz: ${JSON.stringify(tally)}`);
  }, 600_000);

  describe('counterexamples it found', () => {
    it('should fail the attempt, not the engine, when a handler throws a BpmnError whose variables cannot be stored (seed -938464421)', async () => {
      // given: the shrunk counterexample — a service task with one retry; its handler throws BpmnError('E', …, { fn })
      const scenario: Scenario = {
        xml: toXml({ body: { kind: 'act', act: { kind: 'service', type: 'auto', retries: 1, boundaries: [] } }, child: { kind: 'act', act: { kind: 'none' } }, eventSub: null, corruption: { kind: 'none' } }),
        commands: [
          { t: 'start', vars: {}, key: 0, businessKey: null },
          { t: 'advance', ms: 60_000 },
          { t: 'lateWorker', workerId: 'w1', vars: {} },
          { t: 'start', vars: {}, key: 0, businessKey: null },
        ],
        outcomes: ['bpmn-error-bad-variables', 'throw-non-error'],
      };
      // when: was InvariantError 'the engine reported background failures: variables.invalid' (the job re-ran at every lease expiry)
      const run = await onBothStores(scenario);
      // then: that attempt failed with the reason and, with no retry left, is an incident
      const incidents = run.state.instances.flatMap((i) => Object.values(i.state.incidents));
      expect(incidents).toContainEqual(expect.objectContaining({ kind: 'job', message: expect.stringContaining("BpmnError variables: 'fn' is a function") }));
      expect(run.engineErrors).toEqual([]);
    });
  });

  describe('the harness itself', () => {
    const oneTask: Diagram = {
      body: { kind: 'act', act: { kind: 'user', groups: ['g1'], assignee: null, sla: null, multi: null, boundaries: [] } },
      child: { kind: 'act', act: { kind: 'none' } },
      eventSub: null,
      corruption: { kind: 'none' },
    };
    const scenario = {
      xml: toXml(oneTask),
      commands: [
        { t: 'start' as const, vars: {}, key: 0, businessKey: null },
        { t: 'complete' as const, pick: 0, by: 'system' as const, vars: { x: 1 } },
      ],
      outcomes: [{ ok: {} }],
    };

    /** A memory store with some methods replaced. */
    function patched(patch: (store: MemoryStore) => Partial<Store>): Store {
      const store = new MemoryStore();
      const replaced = patch(store);
      return new Proxy(store, {
        get(target, property) {
          if (property in replaced) return replaced[property as keyof Store];
          const value = Reflect.get(target, property);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    }

    it('should fail a run on a store that loses a write (a completed task stays open)', async () => {
      // given
      const leaky = patched((store) => ({ commit: (c: Commit) => store.commit({ ...c, tasks: { upsert: c.tasks.upsert, remove: [] } }) }));
      // when / then
      await expect(runScenario(leaky, scenario)).rejects.toThrow(new InvariantError('tasks of i1: the store has [i1.k2], the instance state says []'));
    });

    it('should fail a run when an untyped error escapes the engine', async () => {
      // given: a store whose task lookup breaks with a TypeError
      const faulty = patched(() => ({
        getTask: async () => {
          throw new TypeError('boom');
        },
      }));
      // when / then
      await expect(runScenario(faulty, scenario)).rejects.toThrow(EscapedError);
    });
  });
});
