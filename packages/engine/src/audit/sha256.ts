import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { HashFn } from './chain.js';

/** SHA-256 as lowercase hex, in pure JS (works in browsers). Pure. */
export const sha256Hex: HashFn = (text) => bytesToHex(sha256(utf8ToBytes(text)));
