/**
 * The Monitor view's pure helpers: the route in the URL hash, audit events
 * and timers in words, heat levels. No DOM.
 */
import type { AuditEvent } from '@sopflow/engine';
import { t } from '../../i18n/language.js';

/** Where the view is. */
export type Route = { view: 'process'; id?: string } | { view: 'case'; id: string } | { view: 'report' };

/** Reads the route from a URL hash (`#case=…`). Pure. */
export function parseRoute(hash: string): Route {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const kase = params.get('case');
  if (kase) return { view: 'case', id: kase };
  if (params.has('report')) return { view: 'report' };
  const process = params.get('process');
  return process ? { view: 'process', id: process } : { view: 'process' };
}

/** Audit events a person reads (token moves hidden unless asked). */
export const TECHNICAL = new Set(['timer.fired', 'node.entered', 'node.left', 'gateway.joined', 'timer.scheduled', 'timer.cancelled', 'sla.cancelled', 'boundary.triggered', 'multi.started', 'multi.completed', 'scope.terminated']);

/** A short line for an audit event's data, in the page's language: who, which code, which variables. Pure. */
export function auditDetail(event: AuditEvent): string {
  const d = event.data;
  const parts: string[] = [];
  if (typeof d.code === 'string') parts.push(d.code);
  if (typeof d.by === 'string') parts.push(t('monitor.audit.by', { actor: d.by }));
  if (Array.isArray(d.candidateGroups) && d.candidateGroups.length) parts.push(t('monitor.audit.groups', { groups: d.candidateGroups.join(', ') }));
  if (typeof d.message === 'string' && event.type.startsWith('message.')) parts.push(d.message);
  if (d.variables && typeof d.variables === 'object' && Object.keys(d.variables).length) parts.push(JSON.stringify(d.variables));
  if (Array.isArray(d.changes)) parts.push((d.changes as Array<{ name: string }>).map((c) => c.name).join(', '));
  return parts.join(' · ');
}

/** How hot a node is: 1 to 4 by its share of the busiest node's waiting cases (0 for none). Pure. */
export function heatLevel(waiting: number, max: number): number {
  if (waiting <= 0 || max <= 0) return 0;
  return Math.max(1, Math.min(4, Math.ceil((waiting / max) * 4)));
}

