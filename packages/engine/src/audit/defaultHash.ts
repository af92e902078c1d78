import type { HashFn } from './chain.js';
import { sha256Hex } from './sha256.js';

let current: HashFn = sha256Hex;

/**
 * The audit hash an engine uses when none is injected: pure-JS SHA-256
 * everywhere, replaced by Node's native SHA-256 when the package is loaded
 * in Node (its `node` entry calls {@link setDefaultHash}). Same digests
 * either way.
 */
export function defaultHash(): HashFn {
  return current;
}

/** Replaces the default audit hash (the platform entry does this once). */
export function setDefaultHash(hash: HashFn): void {
  current = hash;
}
