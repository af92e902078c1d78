/**
 * @sopflow/engine/node — Node.js adapters for the pure core. Import it only
 * in Node: it uses `node:crypto`.
 */
import { createHash } from 'node:crypto';
import type { HashFn } from '../audit/chain.js';

/** SHA-256 as lowercase hex with Node's native crypto: about 3× faster than the default pure-JS hash. */
export const nodeSha256: HashFn = (text) => createHash('sha256').update(text).digest('hex');
