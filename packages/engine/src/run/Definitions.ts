import type { ProcessDefinition } from '../compile/definition.js';
import { ProcessRuntime } from '../compile/ProcessRuntime.js';
import { NotFoundError } from '../errors.js';
import type { FeelLimits } from '../feel/index.js';
import { createInstanceMachine, type InstanceMachine } from '../machine/createInstanceMachine.js';
import type { StepEnv, StepLimits } from '../machine/TokenGame.js';
import type { BusinessCalendar } from '../time/index.js';
import type { DeploymentRecord, Store } from '../store/Store.js';

/** A deployed definition ready to run: compiled once, kept for the engine's life. */
export interface Deployed {
  record: DeploymentRecord;
  runtime: ProcessRuntime;
  env: StepEnv;
  machine: InstanceMachine;
}

/**
 * Keeps the runtime of every definition the engine has touched: built on
 * first use from the stored deployment, never per step.
 */
export class Definitions {
  private readonly byKey = new Map<string, Deployed>();

  constructor(
    private readonly store: Store,
    private readonly calendar: (name: string) => BusinessCalendar | undefined,
    private readonly limits: StepLimits,
    private readonly zone: string,
    private readonly feelLimits?: FeelLimits,
  ) {}

  /** Builds (and caches) the runtime of a stored deployment record. */
  load(record: DeploymentRecord): Deployed {
    let deployed = this.byKey.get(record.key);
    if (!deployed) {
      deployed = Definitions.build(record, this);
      this.byKey.set(record.key, deployed);
    }
    return deployed;
  }

  /**
   * Builds the runtime of a record without caching it: for a deployment not
   * committed yet (a failed commit, or a lost version race, must not leave a
   * key pointing at a definition the store does not hold).
   */
  static build(record: DeploymentRecord, definitions: Definitions): Deployed {
    const runtime = new ProcessRuntime(record.definition, definitions.feelLimits);
    runtime.compileAll();
    const env: StepEnv = { runtime, zone: definitions.zone, calendar: definitions.calendar, limits: definitions.limits };
    return { record, runtime, env, machine: createInstanceMachine(env) };
  }

  /** The definition with this key (`process:version`). */
  async byDefinitionKey(key: string): Promise<Deployed> {
    const cached = this.byKey.get(key);
    if (cached) return cached;
    const record = await this.store.getDeployment(key);
    if (!record) throw new NotFoundError('process', key, 'no deployment with this key');
    return this.load(record);
  }

  /** The latest version of a process, or a given version. */
  async byProcessId(processId: string, version?: number): Promise<Deployed> {
    if (version !== undefined) return this.byDefinitionKey(`${processId}:${version}`);
    const record = await this.store.latestDeployment(processId);
    if (!record) throw new NotFoundError('process', processId, 'deploy it first');
    return this.load(record);
  }

  /** Validates a fresh definition before it is stored (compiles every expression within `feelLimits`). */
  static check(definition: ProcessDefinition, feelLimits?: FeelLimits): void {
    new ProcessRuntime(definition, feelLimits).compileAll();
  }
}
