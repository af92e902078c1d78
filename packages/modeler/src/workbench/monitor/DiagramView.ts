/**
 * A read-only diagram (bpmn-js NavigatedViewer: zoom and pan) that shows
 * either a process's heat map — how many cases wait at each step, how many
 * SLA breaches each step had — or one case: its tokens, due times,
 * reminders and escalations (the simulation's overlays, fed with the real
 * case). DOM text only: nothing from a diagram is parsed as HTML.
 */
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { createSopDescriptor } from '@sopflow/moddle';
import type { AuditEvent, InstanceView, TaskRow } from '@sopflow/engine';
import { t } from '../../i18n/language.js';
import { h } from '../../app/dom.js';
import { fitDiagram } from '../../app/fitDiagram.js';
import SimulationOverlays from '../../features/simulation/SimulationOverlays.js';
import type { HeatMap } from '../types.js';
import { heatLevel } from './format.js';

/** Overlay type of the heat map. */
export const HEAT_OVERLAY = 'sop-heat';

interface OverlaysLike {
  add(element: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement; scale?: unknown }): string;
  remove(filter: { type: string }): void;
}

interface CanvasLike {
  addMarker(element: string, marker: string): void;
  removeMarker(element: string, marker: string): void;
  viewbox(box?: unknown): any;
}

/** A diagram on the page, with a heat map or a case drawn on it. */
export class DiagramView {
  private readonly viewer: any;
  private shown: string | undefined;
  private markers: Array<[string, string]> = [];

  constructor(readonly container: HTMLElement) {
    this.viewer = new NavigatedViewer({
      container,
      moddleExtensions: { sop: createSopDescriptor() },
      additionalModules: [{ simulationOverlays: ['type', SimulationOverlays] }],
    });
  }

  /** Shows a deployment's diagram (kept when it is already shown). */
  async show(key: string, xml: () => Promise<string>): Promise<void> {
    if (this.shown === key) return;
    this.clear();
    await this.viewer.importXML(await xml());
    this.shown = key;
    this.container.dataset.key = key;
    fitDiagram(this.viewer.get('canvas'), 0);
  }

  /** Draws a heat map: a badge and a shade per node where cases wait, a red badge where SLAs breached. */
  heat(map: HeatMap): void {
    this.clear();
    const overlays = this.viewer.get('overlays') as OverlaysLike;
    const registry = this.viewer.get('elementRegistry') as { get(id: string): unknown };
    const max = Math.max(0, ...Object.values(map.nodes).map((n) => n.waiting));
    for (const [node, { waiting, breaches }] of Object.entries(map.nodes)) {
      if (!registry.get(node)) continue;
      const level = heatLevel(waiting, max);
      if (level) this.mark(node, `heat-${level}`);
      if (breaches) this.mark(node, 'heat-breach');
      const badges = h('div', { class: 'heat-badges' });
      if (waiting) badges.append(h('span', { class: 'heat-badge waiting', attrs: { 'data-node': node, 'data-count': String(waiting) }, title: t('monitor.heat.waiting.title', { n: waiting }) }, t('monitor.heat.waiting', { n: waiting })));
      if (breaches) badges.append(h('span', { class: 'heat-badge breaches', attrs: { 'data-node': node, 'data-count': String(breaches) }, title: t('monitor.heat.breaches.title', { n: breaches }) }, t('monitor.heat.breaches', { n: breaches })));
      if (badges.childElementCount) overlays.add(node, HEAT_OVERLAY, { position: { top: -22, left: 0 }, html: badges, scale: { min: 0.9 } });
    }
  }

  /** Draws one case: tokens with due times, reminders, breaches and escalations, finished steps. */
  tokens(state: { instance: InstanceView; tasks: TaskRow[]; audit: AuditEvent[]; format: (ms: number) => string }): void {
    this.clear();
    (this.viewer.get('simulationOverlays') as SimulationOverlays).show({ views: [state.instance], tasks: state.tasks, audit: state.audit, formatTime: state.format });
  }

  /** Removes what is drawn (the diagram stays). */
  clear(): void {
    (this.viewer.get('overlays') as OverlaysLike).remove({ type: HEAT_OVERLAY });
    (this.viewer.get('simulationOverlays') as SimulationOverlays).clear();
    const canvas = this.viewer.get('canvas') as CanvasLike;
    for (const [id, marker] of this.markers) canvas.removeMarker(id, marker);
    this.markers = [];
  }

  private mark(id: string, marker: string): void {
    (this.viewer.get('canvas') as CanvasLike).addMarker(id, marker);
    this.markers.push([id, marker]);
  }
}
