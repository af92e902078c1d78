import { checkDiagram, type SoundnessResult } from './checkDiagram.js';

interface EventBusLike {
  on(event: string | string[], callback: (event: any) => void): void;
  fire(type: string, data?: unknown): unknown;
}

interface BpmnJsLike {
  saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
}

/** Wait after the last change before checking (ms). */
const DEBOUNCE_MS = 400;

/**
 * Checks soundness after each change (debounced), in a worker when the
 * browser has them: the diagram is saved as XML and goes through the
 * engine's `parse` and `compile` and the lint plugin's `checkSoundness`,
 * as in `sopflow validate`. Fires `soundness.checking` as soon as the
 * diagram changes and `soundness.completed` with a {@link SoundnessResult}.
 */
export default class SoundnessChecker {
  static $inject = ['eventBus', 'bpmnjs'];

  private timer: ReturnType<typeof setTimeout> | undefined;
  private worker: Worker | undefined;
  private seq = 0;
  private readonly pending = new Map<number, (result: SoundnessResult) => void>();
  private last: SoundnessResult = { findings: [] };

  constructor(
    private readonly eventBus: EventBusLike,
    private readonly bpmnjs: BpmnJsLike,
  ) {
    eventBus.on(['import.done', 'commandStack.changed'], () => this.schedule());
    eventBus.on('diagram.destroy', () => this.worker?.terminate());
  }

  /** The latest result. */
  result(): SoundnessResult {
    return this.last;
  }

  /** Checks after the debounce delay, replacing a check already scheduled; the last result is stale from now on. */
  schedule(): void {
    clearTimeout(this.timer);
    ++this.seq;
    this.eventBus.fire('soundness.checking');
    this.timer = setTimeout(() => void this.check(), DEBOUNCE_MS);
  }

  /** Checks now; a result that arrives after a newer check started (or was scheduled) is dropped. */
  async check(): Promise<SoundnessResult | undefined> {
    const id = ++this.seq;
    this.eventBus.fire('soundness.checking');
    const { xml } = await this.bpmnjs.saveXML();
    if (xml === undefined) return undefined;
    let result: SoundnessResult;
    try {
      result = await this.run(id, xml);
    } catch (error) {
      result = { findings: [], error: `Soundness check failed: ${(error as Error).message}` };
    }
    if (id !== this.seq) return undefined;
    this.last = result;
    this.eventBus.fire('soundness.completed', result);
    return result;
  }

  private run(id: number, xml: string): Promise<SoundnessResult> {
    const worker = this.ensureWorker();
    if (!worker) return checkDiagram(xml);
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      worker.postMessage({ id, xml });
    });
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || typeof Worker === 'undefined') return this.worker;
    try {
      this.worker = new Worker(new URL('./soundness.worker.ts', import.meta.url), { type: 'module' });
    } catch {
      return undefined;
    }
    this.worker.onmessage = (event: MessageEvent<{ id: number; result?: SoundnessResult; failure?: string }>) => {
      const { id, result, failure } = event.data;
      const resolve = this.pending.get(id);
      this.pending.delete(id);
      resolve?.(result ?? { findings: [], error: `Soundness check failed: ${failure}` });
    };
    return this.worker;
  }
}
