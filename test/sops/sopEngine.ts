import { readFile } from 'node:fs/promises';
import { expect } from 'vitest';
import { canonicalJson, createEngine, VirtualClock, type AuditEvent, type Engine, type JobHandler, type Variables } from '@sopflow/engine';
import { FrozenMemoryStore } from '../support/frozenStore.js';

const EXAMPLES = new URL('../../examples/', import.meta.url);
export const SOP_FILES = [
  'order-handling/order-handling.bpmn',
  'complaint-escalation/complaint-escalation.bpmn',
  'cross-department-approval/cross-department-approval.bpmn',
];

/** An engine with the three SOPs deployed, the office calendar, a virtual clock (default: Monday 2026-11-23 09:00 Shanghai). */
export async function sopEngine(handlers: Record<string, JobHandler> = {}, start = '2026-11-23T09:00:00+08:00') {
  const clock = new VirtualClock(start);
  const { calendars } = JSON.parse(await readFile(new URL('calendars.json', EXAMPLES), 'utf8'));
  let n = 0;
  const engine = createEngine({ clock, calendars, handlers, ids: () => `case-${++n}`, timeZone: 'Asia/Shanghai', store: new FrozenMemoryStore() });
  for (const file of SOP_FILES) await engine.deploy(await readFile(new URL(file, EXAMPLES)));
  return { engine, clock };
}

export type Person = { id: string; groups: string[] };

/** Completes the one open task at `node` as `by`. */
export async function work(engine: Engine, instanceId: string, node: string, by: Person, variables: Variables = {}): Promise<void> {
  const { items } = await engine.tasks({ instanceId, node });
  expect(items.map((t) => t.node), `one open task at ${node}`).toEqual([node]);
  await engine.complete(items[0].id, { by, variables });
  await engine.idle();
}

/** Shanghai wall time of an instant, `Mon 10:30` style with the date: `2026-11-23 10:30`. */
export function local(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The audit trail as `time type node` lines (Shanghai time), optionally only some types. */
export async function timeline(engine: Engine, instanceId: string, types?: string[]): Promise<string[]> {
  const { items } = await engine.audit.query({ instanceId, limit: 100_000, ...(types ? { types } : {}) });
  return items.sort((a, b) => a.seq - b.seq).map((e) => `${local(e.time)} ${e.type}${e.node ? ` ${e.node}` : ''}`);
}

export async function events(engine: Engine, instanceId: string, type: string): Promise<AuditEvent[]> {
  const { items } = await engine.audit.query({ instanceId, types: [type], limit: 100_000 });
  return items.sort((a, b) => a.seq - b.seq);
}

/**
 * The whole audit trail, one event per line — compared event by event with a
 * reviewed file. The line leaves out hashes, so the chain is verified here:
 * every event hashed and linked to its predecessor, none missing.
 */
export async function trailText(engine: Engine, instanceId: string): Promise<string> {
  expect(await engine.audit.verify(instanceId), `audit chain of ${instanceId}`).toEqual({ ok: true, checked: 1, problems: [] });
  const { items } = await engine.audit.query({ instanceId, limit: 100_000 });
  return `${items
    .sort((a, b) => a.seq - b.seq)
    .map((e) => `${String(e.seq).padStart(4)} ${local(e.time)} ${e.actor.padEnd(8)} ${e.type.padEnd(22)} ${(e.node ?? '-').padEnd(36)} ${canonicalJson(e.data)}`)
    .join('\n')}\n`;
}
