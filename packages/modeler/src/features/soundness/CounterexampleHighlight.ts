import type { Finding } from './checkSoundness.js';

interface CanvasLike {
  addMarker(element: string, marker: string): void;
  removeMarker(element: string, marker: string): void;
  scrollToElement(element: unknown): void;
}

interface ElementRegistryLike {
  get(id: string): unknown;
}

/** Marker of the flows (and boundary or start events) of a counterexample run. */
export const PATH_MARKER = 'sop-counterexample';
/** Marker of the element a finding is about. */
export const FINDING_MARKER = 'sop-finding';

/**
 * Shows a soundness finding on the canvas: its counterexample run (the
 * sequence flows from the start to the problem) and the element where the
 * problem shows, as markers; one finding at a time.
 */
export default class CounterexampleHighlight {
  static $inject = ['canvas', 'elementRegistry', 'eventBus'];

  private marked: Array<[string, string]> = [];

  constructor(
    private readonly canvas: CanvasLike,
    private readonly elementRegistry: ElementRegistryLike,
    eventBus: { on(event: string, cb: () => void): void },
  ) {
    eventBus.on('import.done', () => (this.marked = []));
  }

  /** Marks the finding's run and element (replacing what was shown) and scrolls to the element. */
  show(finding: Finding): void {
    this.clear();
    for (const id of finding.counterexample) this.mark(id, PATH_MARKER);
    this.mark(finding.elementId, FINDING_MARKER);
    const element = this.elementRegistry.get(finding.elementId);
    if (element) this.canvas.scrollToElement(element);
  }

  /** Removes the markers. */
  clear(): void {
    for (const [id, marker] of this.marked) if (this.elementRegistry.get(id)) this.canvas.removeMarker(id, marker);
    this.marked = [];
  }

  /** Ids currently marked as the run. */
  path(): string[] {
    return this.marked.filter(([, m]) => m === PATH_MARKER).map(([id]) => id);
  }

  private mark(id: string, marker: string): void {
    if (!this.elementRegistry.get(id)) return;
    this.canvas.addMarker(id, marker);
    this.marked.push([id, marker]);
  }
}
