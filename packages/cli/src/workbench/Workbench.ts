/**
 * The engine of `sopflow start`: one engine with its scheduler on, over the
 * store the command opened, with the folder's calendars, the diagrams of
 * the folder deployed, and service-task jobs completed at once (as in the
 * modeler's simulation). The views read and drive it through the routes in
 * `routes.ts`; its events feed the live views through an {@link EventFeed}.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  BusinessCalendar,
  createEngine,
  formatDateTime,
  parseCalendarFile,
  SopflowError,
  type Clock,
  type DeployedProcess,
  type Engine,
  type Problem,
  type ProcessDefinition,
  type Store,
} from '@sopflow/engine';
import { checkDiagramPath, findCalendarsFile, listDiagrams, resolveDiagram } from '../server/files.js';
import { HttpError } from '../server/http.js';
import { EventFeed } from './EventFeed.js';

/** Options of {@link Workbench.open}. */
export interface WorkbenchOptions {
  /** The diagram folder (absolute, a realpath). */
  dir: string;
  /** The opened store; the workbench closes it. */
  store: Store;
  /** Where the store is, for people (`sqlite:/path/sopflow.db`, a redacted PostgreSQL URL). */
  storeLabel: string;
  clock: Clock;
  /** How fast `clock` runs, for the views: 1 = real time, 60 = an hour a minute, 0 = it moves only when told (tests). */
  speed: number;
  /** Business calendars; default: the calendars file of the folder (or a parent), if any. */
  calendars?: BusinessCalendar[];
  /** Zone of times shown and of wall-clock day arithmetic; default: the first calendar's, else UTC. */
  timeZone?: string;
}

/** What deploying one diagram file gave. */
export interface DeployedFile {
  /** Relative to the folder, `/`-separated. */
  path: string;
  processes: DeployedProcess[];
  warnings: Problem[];
  /** Set when the file could not be deployed; the message names the elements. */
  error?: string;
  problems?: Problem[];
}

/** Reads the folder's calendars file (or a parent's). @throws CalendarError when it does not parse */
export async function folderCalendars(dir: string): Promise<{ file?: string; calendars: BusinessCalendar[] }> {
  const file = findCalendarsFile(dir);
  if (!file) return { calendars: [] };
  return { file, calendars: parseCalendarFile(await readFile(file, 'utf8'), basename(file)) };
}

/** Service-task job types a definition uses. Pure. */
export function jobTypes(definition: ProcessDefinition): string[] {
  return [...new Set(Object.values(definition.nodes).flatMap((node) => (node.jobType ? [node.jobType] : [])))];
}

/** The workbench: an engine over a store, a diagram folder, and a live feed. */
export class Workbench {
  /** Which file each process was last deployed from. */
  readonly files = new Map<string, string>();
  /** Start-event fields by deployment key (a deployment never changes). */
  private readonly stopFeed: () => void;

  private constructor(
    readonly options: WorkbenchOptions,
    readonly engine: Engine,
    readonly feed: EventFeed,
    readonly zone: string,
    readonly calendars: BusinessCalendar[],
  ) {
    this.stopFeed = engine.on('*', (event) => this.feed.addEngineEvent(event));
  }

  /**
   * Creates the engine (scheduler on) over the store and registers the job
   * types of every deployment already in it. Does not deploy the folder:
   * call {@link deployFolder}.
   * @throws CalendarError when the folder's calendars file does not parse
   */
  static async open(options: WorkbenchOptions): Promise<Workbench> {
    const calendars = options.calendars ?? (await folderCalendars(options.dir)).calendars;
    const zone = options.timeZone ?? calendars[0]?.zone ?? 'UTC';
    const engine = createEngine({ store: options.store, clock: options.clock, calendars, timeZone: zone });
    const feed = new EventFeed((ms) => shortTime(ms, zone));
    const workbench = new Workbench(options, engine, feed, zone, calendars);
    for (const deployment of await options.store.listDeployments()) {
      workbench.registerJobs(await engine.definition(deployment.processId, deployment.version));
    }
    return workbench;
  }

  /** The store the workbench runs on. */
  get store(): Store {
    return this.options.store;
  }

  /** Engine time now. */
  now(): number {
    return this.options.clock.now();
  }

  /** Deploys every `.bpmn` file of the folder; a file that fails is reported and the others still go. */
  async deployFolder(by = 'workbench'): Promise<DeployedFile[]> {
    const results: DeployedFile[] = [];
    for (const entry of await listDiagrams(this.options.dir)) {
      try {
        results.push(await this.deployFile(entry.path, by));
      } catch (error) {
        if (!(error instanceof HttpError)) throw error;
        results.push({ path: entry.path, processes: [], warnings: [], error: error.message });
      }
    }
    return results;
  }

  /**
   * Deploys one diagram of the folder. A new version per changed process;
   * unchanged XML deploys nothing new. A diagram the engine refuses is
   * reported in the result (`error`, `problems`), not thrown.
   * @throws HttpError for a path that is malformed (400), leads out of the folder or is not a diagram (403), or does not exist (404)
   */
  async deployFile(path: string, by = 'workbench'): Promise<DeployedFile> {
    const file = await resolveDiagram(this.options.dir, checkDiagramPath(path), { mustExist: true });
    let result: DeployedFile;
    try {
      const xml = await readFile(file);
      const deployed = await this.engine.deploy(xml, { by });
      for (const process of deployed.processes) {
        this.files.set(process.id, path);
        this.registerJobs(await this.engine.definition(process.id, process.version));
      }
      result = { path, processes: deployed.processes, warnings: deployed.warnings };
    } catch (error) {
      if (!(error instanceof SopflowError)) throw error;
      const problems = (error as SopflowError).details?.problems as Problem[] | undefined;
      result = { path, processes: [], warnings: [], error: (error as Error).message, ...(problems ? { problems } : {}) };
    }
    this.feed.add({ type: 'workbench.deployed', time: this.now(), notice: { to: [], text: deployNotice(result), level: result.error ? 'alert' : 'info' } });
    return result;
  }

  /** Stops the feed and the engine's scheduler, then closes the store. */
  async close(): Promise<void> {
    this.stopFeed();
    this.feed.close();
    await this.engine.close();
    await this.options.store.close();
  }

  /** Service-task jobs complete at once with no variables: the workbench runs people's work, not integrations. */
  private registerJobs(definition: ProcessDefinition): void {
    for (const type of jobTypes(definition)) this.engine.registerHandler(type, () => ({}));
  }
}

/** One line about a deployment, for the feed and the console. Pure. */
export function deployNotice(result: DeployedFile): string {
  if (result.error) return `Could not deploy ${result.path}: ${result.error.split('\n')[0]}`;
  const list = result.processes.map((p) => `${p.id} v${p.version}${p.created ? '' : ' (unchanged)'}`).join(', ');
  return `Deployed ${result.path}: ${list || 'no executable process'}.`;
}

/** `2026-11-23 10:30` in the zone. Pure. */
export function shortTime(ms: number, zone: string): string {
  return formatDateTime(ms, zone).slice(0, 16).replace('T', ' ');
}
