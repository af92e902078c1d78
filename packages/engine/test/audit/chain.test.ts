import { describe, expect, it } from 'vitest';
import { chainEvents, GENESIS_HASH, sha256Hex, verifyChain, type AuditEvent } from '@sopflow/engine';
import { canonicalJson } from '../../src/audit/canonicalJson.js';
import { hashedPart } from '../../src/audit/chain.js';

// chainEvents writes each event's hashed text with the fields its step shares precomputed; verifyChain reads it back with hashedPart.
const drafts = [
  { time: 5, type: 'node.entered', actor: 'system', node: 'a', nodeName: 'A "quoted"', data: { flow: 'x', b: 1, a: [1, { z: 2, y: 'é' }] } },
  { time: 1.5, type: 'x', actor: 'u\n1', data: {} },
  { time: 7, type: 'y', actor: 'u', node: 'n', data: { $sensitive: 'secret', k: null } },
];

describe('chainEvents', () => {
  for (const businessKey of [undefined, 'BK "1"\u2028']) {
    for (const sensitive of [true, false]) {
      it(`should hash the text hashedPart and canonicalJson give (business key ${businessKey === undefined ? 'none' : 'with quotes'}, sensitive ${sensitive})`, () => {
        const context = { instanceId: 'i"1', processId: 'p\\x', version: 3, seq: 0, prevHash: GENESIS_HASH, ...(businessKey !== undefined ? { businessKey } : {}) };
        const first = chainEvents(drafts, context, sha256Hex, 'salt', sensitive);
        const next = chainEvents(drafts, { ...context, seq: 3, prevHash: first[2].hash }, sha256Hex, 'salt', sensitive);
        const all: AuditEvent[] = [...first, ...next];
        for (const event of all) {
          const { hash, ...body } = event;
          expect(hashedPart(body)).toBe(canonicalJson(body));
          expect(hash).toBe(sha256Hex(hashedPart(body)));
        }
        expect(verifyChain(all, sha256Hex, { seq: 6, hash: all[5].hash })).toBeUndefined();
      });
    }
  }
});
