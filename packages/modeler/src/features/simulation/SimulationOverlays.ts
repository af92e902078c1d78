import { t } from '../../i18n/language.js';
import type { AuditEvent, InstanceView, TaskRow } from '@sopflow/engine';
import { h } from '../../app/dom.js';

interface OverlaysLike {
  add(element: string, type: string, overlay: { position: Record<string, number>; html: HTMLElement; scale?: unknown }): string;
  remove(filter: { type: string }): void;
}

interface CanvasLike {
  addMarker(element: string, marker: string): void;
  removeMarker(element: string, marker: string): void;
}

interface ElementRegistryLike {
  get(id: string): { width?: number; height?: number } | undefined;
}

/** Overlay type of everything the simulation draws. */
export const OVERLAY_TYPE = 'sop-simulation';

/** Markers by what happened at an element. */
export const MARKERS = {
  active: 'sim-active',
  reminder: 'sim-reminded',
  notify: 'sim-notified',
  reassign: 'sim-reassigned',
  breach: 'sim-breached',
  escalation: 'sim-escalated',
  caught: 'sim-caught',
  completed: 'sim-completed',
} as const;

type Happening = Exclude<keyof typeof MARKERS, 'active' | 'completed'>;

/** Marks before the label (glyphs every system font has). */
const ICONS: Readonly<Record<Happening, string>> = { reminder: '', notify: '', reassign: '', breach: '', escalation: '⚠ ', caught: '↯ ' };

/** Overlays shrink with the zoom only down to this: they stay readable when the whole diagram is shown. */
const READABLE = { min: 0.9 };

/** What an audit event shows on its element, if anything. Pure. */
export function happeningOf(event: AuditEvent): { kind: Happening; label: string } | undefined {
  switch (event.type) {
    case 'sla.reminder':
      return { kind: 'reminder', label: t('overlay.reminder') };
    case 'sla.notify':
      return { kind: 'notify', label: t('overlay.notify') };
    case 'sla.reassign':
      return { kind: 'reassign', label: t('overlay.reassign') };
    case 'sla.breached':
      return { kind: 'breach', label: t('overlay.breach') };
    case 'escalation.thrown':
      return { kind: 'escalation', label: t('overlay.escalation', { code: String(event.data.code ?? '') }).trim() };
    case 'escalation.caught':
      return { kind: 'caught', label: t('overlay.caught', { code: String(event.data.code ?? '') }).trim() };
    default:
      return undefined;
  }
}

/**
 * Draws a simulation on the canvas: a token on each active element (with
 * its due time), a mark on each element where a reminder, breach or
 * escalation happened (with when), and a tick on finished steps. Built
 * with DOM text only: no diagram text is parsed as HTML.
 */
export default class SimulationOverlays {
  static $inject = ['overlays', 'canvas', 'elementRegistry'];

  private markers: Array<[string, string]> = [];

  constructor(
    private readonly overlays: OverlaysLike,
    private readonly canvas: CanvasLike,
    private readonly elementRegistry: ElementRegistryLike,
  ) {}

  /** Replaces what is drawn with the state of the cases and their audit trail. */
  show(state: { views: InstanceView[]; tasks: TaskRow[]; audit: AuditEvent[]; formatTime: (ms: number) => string }): void {
    this.clear();
    const tokens = new Map<string, { count: number; due?: number; task: boolean }>();
    for (const view of state.views) {
      for (const activity of view.activities) {
        const token = tokens.get(activity.node) ?? { count: 0, task: false };
        token.count++;
        if (activity.due !== undefined) token.due = Math.min(token.due ?? Infinity, activity.due);
        if (activity.task) token.task = true;
        tokens.set(activity.node, token);
      }
    }
    const happened = new Map<string, Array<{ kind: Happening; label: string; time: number }>>();
    const completed = new Set<string>();
    for (const event of state.audit) {
      if (!event.node) continue;
      if (event.type === 'task.completed' || event.type === 'job.completed') completed.add(event.node);
      const happening = happeningOf(event);
      if (!happening) continue;
      const list = happened.get(event.node) ?? [];
      list.push({ ...happening, time: event.time });
      happened.set(event.node, list);
    }
    for (const node of completed) if (!tokens.has(node)) this.mark(node, MARKERS.completed);
    for (const [node, token] of tokens) {
      if (!this.mark(node, MARKERS.active)) continue;
      const badge = h(
        'div',
        { class: `sim-token${token.task ? ' sim-token-task' : ''}`, attrs: { 'data-node': node }, title: t(token.task ? 'overlay.waiting' : 'overlay.active') },
        `● ${token.count > 1 ? `${token.count}` : ''}`.trim(),
      );
      this.overlays.add(node, OVERLAY_TYPE, { position: { top: -12, left: -12 }, html: badge, scale: READABLE });
      if (token.due !== undefined) {
        this.overlays.add(node, OVERLAY_TYPE, {
          position: { bottom: -4, left: 0 },
          html: h('div', { class: 'sim-due', attrs: { 'data-node': node } }, t('overlay.due', { due: state.formatTime(token.due) })),
          scale: READABLE,
        });
      }
    }
    for (const [node, list] of happened) {
      const kinds = new Set(list.map((e) => e.kind));
      let any = false;
      for (const kind of kinds) any = this.mark(node, MARKERS[kind]) || any;
      if (!any) continue;
      // Stacked above the element, newest on top; the full story is in the audit trail.
      const badges = h('div', { class: 'sim-events', attrs: { 'data-node': node } });
      for (const event of list) {
        badges.prepend(h('div', { class: `sim-event sim-event-${event.kind}`, attrs: { 'data-kind': event.kind }, title: t('overlay.at', { what: event.label, time: state.formatTime(event.time) }) }, `${ICONS[event.kind]}${event.label} ${state.formatTime(event.time).slice(-5)}`));
      }
      this.overlays.add(node, OVERLAY_TYPE, { position: { top: -4 - 17 * list.length, left: 0 }, html: badges, scale: READABLE });
    }
  }

  /** Removes everything the simulation drew. */
  clear(): void {
    this.overlays.remove({ type: OVERLAY_TYPE });
    for (const [id, marker] of this.markers) if (this.elementRegistry.get(id)) this.canvas.removeMarker(id, marker);
    this.markers = [];
  }

  private mark(id: string, marker: string): boolean {
    if (!this.elementRegistry.get(id)) return false;
    this.canvas.addMarker(id, marker);
    this.markers.push([id, marker]);
    return true;
  }
}
