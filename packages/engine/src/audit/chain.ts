import type { AuditDraft } from '../machine/effects.js';
import type { AuditEvent } from '../store/Store.js';
import { canonicalJson } from './canonicalJson.js';
import { ownCopy } from '../ownCopy.js';

/** A hex SHA-256 (or other) digest of a string; injected so Node can use its native hash. */
export type HashFn = (text: string) => string;

/** The hash before an instance's first event. */
export const GENESIS_HASH = '0'.repeat(64);

const J = JSON.stringify;

/** JSON text of strings that repeat across events (types, node ids): computed once. */
const jsonCache = new Map<string, string>();
function js(text: string): string {
  let json = jsonCache.get(text);
  if (json === undefined) {
    json = J(text);
    if (jsonCache.size < 50_000) jsonCache.set(ownCopy(text), json);
  }
  return json;
}

function dataJson(data: Record<string, unknown>): string {
  for (const _ in data) return canonicalJson(data);
  return '{}';
}

/**
 * The fields of an event the hash covers (everything but the hash itself),
 * as canonical JSON. Written field by field in sorted key order — the same
 * text `canonicalJson(event)` gives (a test holds them equal), without
 * sorting the known keys of every event on the hot path.
 */
export function hashedPart(e: Omit<AuditEvent, 'hash'>): string {
  return (
    `{"actor":${js(e.actor)},` +
    (e.businessKey !== undefined ? `"businessKey":${J(e.businessKey)},` : '') +
    `"data":${dataJson(e.data)},"instanceId":${J(e.instanceId)},` +
    (e.node !== undefined ? `"node":${js(e.node)},` : '') +
    (e.nodeName !== undefined ? `"nodeName":${js(e.nodeName)},` : '') +
    `"prevHash":${J(e.prevHash)},"processId":${js(e.processId)},"seq":${e.seq},"time":${J(e.time)},"type":${js(e.type)},"version":${J(e.version)}}`
  );
}

/** The JSON text of the fields a step's events share, written once per step by {@link chainEvents}. */
interface SharedText {
  businessKey: string;
  instanceId: string;
  tail: string;
  version: string;
  /** `{"actor":…,` up to `"data":`, for the actor of the event before (a step's events mostly share one). */
  actor: string | undefined;
  head: string;
  /** `"node":…,"nodeName":…,` for the node of the event before (entered and left come in pairs). */
  node: string | undefined;
  nodeName: string | undefined;
  nodePart: string;
}

/**
 * {@link hashedPart} of an event built by {@link chainEvents}, with the
 * fields its step shares already written: the same text (the chain verifies
 * with hashedPart), fewer pieces per event.
 */
function stepPart(e: Omit<AuditEvent, 'hash'>, shared: SharedText): string {
  if (e.actor !== shared.actor) {
    shared.actor = e.actor;
    shared.head = `{"actor":${js(e.actor)},${shared.businessKey}"data":`;
  }
  if (e.node !== shared.node || e.nodeName !== shared.nodeName) {
    shared.node = e.node;
    shared.nodeName = e.nodeName;
    shared.nodePart = (e.node !== undefined ? `"node":${js(e.node)},` : '') + (e.nodeName !== undefined ? `"nodeName":${js(e.nodeName)},` : '');
  }
  return `${shared.head}${dataJson(e.data)}${shared.instanceId}${shared.nodePart}"prevHash":${J(e.prevHash)}${shared.tail}${e.seq},"time":${J(e.time)},"type":${js(e.type)}${shared.version}`;
}

/** Replaces `{ $sensitive: v }` markers the core leaves in event data with a salted digest. */
function protect(value: unknown, hash: HashFn, salt: string): unknown {
  if (!value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => protect(v, hash, salt));
  const record = value as Record<string, unknown>;
  if ('$sensitive' in record && Object.keys(record).length === 1) {
    return { redacted: true, sha256: hash(salt + canonicalJson(record.$sensitive)) };
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(record)) out[k] = protect(v, hash, salt);
  return out;
}

export interface ChainContext {
  instanceId: string;
  processId: string;
  version: number;
  businessKey?: string;
  /** Sequence number and hash of the instance's last stored event. */
  seq: number;
  prevHash: string;
}

/**
 * Numbers and hash-chains a step's audit drafts after `context`'s last event.
 * `sensitive`: whether the drafts may carry `{ $sensitive }` markers (the
 * process declares sensitive variables); without, data is taken as is.
 * Pure given `hash`.
 */
export function chainEvents(drafts: AuditDraft[], context: ChainContext, hash: HashFn, salt = '', sensitive = true): AuditEvent[] {
  let seq = context.seq;
  let prevHash = context.prevHash;
  const out: AuditEvent[] = new Array(drafts.length);
  if (drafts.length === 0) return out;
  // The fields every event of this step shares, as the JSON text hashedPart writes for them: once per step, not per event.
  const shared: SharedText = {
    businessKey: context.businessKey !== undefined ? `"businessKey":${J(context.businessKey)},` : '',
    instanceId: `,"instanceId":${J(context.instanceId)},`,
    tail: `,"processId":${js(context.processId)},"seq":`,
    version: `,"version":${J(context.version)}}`,
    actor: undefined,
    head: '',
    node: undefined,
    nodeName: undefined,
    nodePart: '',
  };
  for (let i = 0; i < drafts.length; i++) {
    const draft = drafts[i];
    seq += 1;
    const data = (sensitive ? protect(draft.data ?? {}, hash, salt) : (draft.data ?? {})) as Record<string, unknown>;
    const body = auditEvent(context, draft, seq, data, prevHash);
    body.hash = hash(stepPart(body, shared));
    prevHash = body.hash;
    out[i] = body;
  }
  return out;
}

/**
 * An event with every field it will have, the hash too, as one literal:
 * added one by one to a smaller literal, the optional fields and the hash
 * grew a second property store on each of the events a store keeps. The
 * key order is the one events have always had.
 */
function auditEvent(c: ChainContext, d: AuditDraft, seq: number, data: Record<string, unknown>, prevHash: string): AuditEvent {
  const { instanceId, processId, version, businessKey } = c;
  const { time, type, actor, node, nodeName } = d;
  if (businessKey === undefined) {
    if (node === undefined) return { instanceId, seq, time, type, actor, processId, version, data, prevHash, hash: '' };
    if (nodeName === undefined) return { instanceId, seq, time, type, actor, processId, version, data, prevHash, node, hash: '' };
    return { instanceId, seq, time, type, actor, processId, version, data, prevHash, node, nodeName, hash: '' };
  }
  if (node === undefined) return { instanceId, seq, time, type, actor, processId, version, data, prevHash, businessKey, hash: '' };
  if (nodeName === undefined) return { instanceId, seq, time, type, actor, processId, version, data, prevHash, businessKey, node, hash: '' };
  return { instanceId, seq, time, type, actor, processId, version, data, prevHash, businessKey, node, nodeName, hash: '' };
}

export interface VerifyProblem {
  instanceId: string;
  /** Sequence number where the chain first breaks. */
  seq: number;
  kind: 'edited' | 'missing' | 'reordered' | 'broken-link' | 'truncated';
  message: string;
}

/**
 * Checks one instance's events, ordered by seq as stored: each hash matches
 * its content, each links to its predecessor, numbers are 1..n without gaps,
 * and the last hash is the one the instance record holds. Returns the first
 * problem, or undefined when the chain is intact. Pure given `hash`.
 */
export function verifyChain(events: AuditEvent[], hash: HashFn, expectedLast?: { seq: number; hash: string }): VerifyProblem | undefined {
  let prevHash = GENESIS_HASH;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const expectedSeq = i + 1;
    const { hash: stored, ...body } = event;
    if (event.seq !== expectedSeq) {
      const kind = events.some((e, j) => j > i && e.seq === expectedSeq) ? 'reordered' : 'missing';
      return { instanceId: event.instanceId, seq: expectedSeq, kind, message: kind === 'missing' ? `Event #${expectedSeq} is missing (found #${event.seq} in its place).` : `Event #${expectedSeq} is out of order (found #${event.seq} in its place).` };
    }
    if (hash(hashedPart(body)) !== stored) {
      return { instanceId: event.instanceId, seq: event.seq, kind: 'edited', message: `Event #${event.seq} (${event.type}) does not match its hash: it was edited.` };
    }
    if (event.prevHash !== prevHash) {
      return { instanceId: event.instanceId, seq: event.seq, kind: 'broken-link', message: `Event #${event.seq} (${event.type}) does not link to event #${event.seq - 1}: an event before it was replaced.` };
    }
    prevHash = stored;
  }
  if (expectedLast && (expectedLast.seq !== events.length || (events.length > 0 && expectedLast.hash !== prevHash))) {
    const seq = Math.min(events.length + 1, expectedLast.seq);
    return {
      instanceId: events[0]?.instanceId ?? '?',
      seq,
      kind: 'truncated',
      message: `The instance recorded ${expectedLast.seq} events but ${events.length} are stored: the trail was truncated after #${events.length}.`,
    };
  }
  return undefined;
}
