import { SopflowError } from '../errors.js';

/** Safety limits of {@link parse}. Each may be raised, or set to `Infinity` to switch it off. */
export interface ParseOptions {
  /** Largest input accepted, in bytes (UTF-8 bytes for a string). Checked before any XML work. Default 10 MiB. */
  maxBytes?: number;
  /** Deepest element nesting accepted. Default 2,000 levels. */
  maxDepth?: number;
  /** Most elements (start tags) accepted in one document. Default 500,000. */
  maxElements?: number;
}

/** The limits used when {@link ParseOptions} leaves one out. */
export const DEFAULT_PARSE_LIMITS: Readonly<Required<ParseOptions>> = Object.freeze({
  maxBytes: 10 * 1024 * 1024,
  maxDepth: 2_000,
  maxElements: 500_000,
});

/**
 * Fills in defaults and checks every limit is a positive integer or `Infinity`.
 * Pure.
 *
 * @throws {SopflowError} code `parse.invalid-options` when a limit is not a positive number.
 */
export function resolveLimits(options: ParseOptions = {}): Required<ParseOptions> {
  const limits = { ...DEFAULT_PARSE_LIMITS };
  for (const key of Object.keys(DEFAULT_PARSE_LIMITS) as Array<keyof ParseOptions>) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0) || (Number.isFinite(value) && !Number.isInteger(value))) {
      throw new SopflowError(
        'parse.invalid-options',
        `Parse option '${key}' must be a positive integer or Infinity, got ${String(value)}.`,
        { option: key, value },
      );
    }
    limits[key] = value;
  }
  return limits;
}
