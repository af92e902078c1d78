/**
 * The Node.js entry of @sopflow/engine: the same API, with Node's native
 * SHA-256 as the default audit hash (about 3× faster than the pure-JS one
 * browsers get; the digests are identical).
 */
import { setDefaultHash } from './audit/defaultHash.js';
import { nodeSha256 } from './node/index.js';

setDefaultHash(nodeSha256);

export * from './index.js';
