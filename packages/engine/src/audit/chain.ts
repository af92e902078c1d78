import type { AuditDraft } from '../machine/effects.js';
import type { AuditEvent } from '../store/Store.js';
import { canonicalJson } from './canonicalJson.js';

/** A hex SHA-256 (or other) digest of a string; injected so Node can use its native hash. */
export type HashFn = (text: string) => string;

/** The hash before an instance's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an event the hash covers (everything but the hash itself). */
function hashedPart(event: Omit<AuditEvent, 'hash'>): string {
  return canonicalJson(event);
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

/** Numbers and hash-chains a step's audit drafts after `context`'s last event. Pure given `hash`. */
export function chainEvents(drafts: AuditDraft[], context: ChainContext, hash: HashFn, salt = ''): AuditEvent[] {
  let seq = context.seq;
  let prevHash = context.prevHash;
  return drafts.map((draft) => {
    seq += 1;
    const body: Omit<AuditEvent, 'hash'> = {
      instanceId: context.instanceId,
      seq,
      time: draft.time,
      type: draft.type,
      actor: draft.actor,
      processId: context.processId,
      version: context.version,
      ...(context.businessKey !== undefined ? { businessKey: context.businessKey } : {}),
      ...(draft.node !== undefined ? { node: draft.node } : {}),
      ...(draft.nodeName !== undefined ? { nodeName: draft.nodeName } : {}),
      data: (protect(draft.data ?? {}, hash, salt) as Record<string, unknown>) ?? {},
      prevHash,
    };
    const event: AuditEvent = { ...body, hash: hash(hashedPart(body)) };
    prevHash = event.hash;
    return event;
  });
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
