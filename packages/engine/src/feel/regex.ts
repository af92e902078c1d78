/**
 * FEEL's `matches`, `replace` and `split` on a linear-time regular
 * expression engine (re2js, a port of RE2): no pattern can make them
 * backtrack (feelin's JavaScript `RegExp` takes 30 s on
 * `matches("aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "(a+)+$")`). Used by the
 * compiled closures and, shadowing feelin's built-ins, by the fallback.
 *
 * Results are feelin's for every pattern both engines accept. Differences:
 * an invalid pattern or flag is an error (`feel.invalid-pattern`), not
 * `null`; RE2 has no look-around and no back-references (such patterns are
 * invalid); `.` excludes only `\n`, and with `m` only `\n` ends a line; the
 * `x` flag works (XPath: whitespace outside character classes is removed).
 */
import { RE2JS } from 're2js';
import { chargeSteps } from './budget.js';
import { FeelFault } from './faults.js';
import { ownCopy } from '../ownCopy.js';

const FLAG_BITS: Readonly<Record<string, number>> = {
  i: RE2JS.CASE_INSENSITIVE,
  s: RE2JS.DOTALL,
  m: RE2JS.MULTILINE,
  x: 0,
};

const CACHE_SIZE = 256;
const cache = new Map<string, RE2JS>();

/** An invalid pattern or flags (code `feel.invalid-pattern`). */
export class InvalidPattern extends FeelFault {
  constructor(pattern: string, flags: string, reason: string) {
    super('feel.invalid-pattern', `invalid regular expression ${JSON.stringify(pattern)}${flags ? ` with flags "${flags}"` : ''}: ${reason}`, {
      pattern,
      flags,
    });
  }
}

/** XPath's `x` flag: whitespace is removed from the pattern except inside character classes. */
function stripWhitespace(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      out += pattern.slice(i, i + 2);
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * The compiled pattern, from a small cache (patterns are nearly always
 * literals of the diagram).
 *
 * @throws {@link InvalidPattern} for a pattern RE2 refuses or a flag other
 *   than `i`, `s`, `m`, `x`.
 */
export function compilePattern(pattern: string, flags: string): RE2JS {
  const key = `${flags}\u0000${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  let bits = 0;
  for (const flag of flags) {
    if (!Object.prototype.hasOwnProperty.call(FLAG_BITS, flag)) {
      throw new InvalidPattern(pattern, flags, `unknown flag '${flag}' (FEEL knows i, s, m and x)`);
    }
    bits |= FLAG_BITS[flag];
  }
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(flags.includes('x') ? stripWhitespace(pattern) : ownCopy(pattern), bits);
  } catch (error) {
    throw new InvalidPattern(pattern, flags, error instanceof Error ? error.message : String(error));
  }
  if (cache.size >= CACHE_SIZE) cache.clear();
  cache.set(ownCopy(key), compiled);
  return compiled;
}

/** `matches(input, pattern, flags?)`: whether the pattern matches anywhere in the input. */
export function regexMatches(input: string, pattern: string, flags: string | null | undefined): boolean {
  const compiled = compilePattern(pattern, flags ?? '');
  chargeSteps(input.length);
  return compiled.matcher(input).find();
}

/**
 * `replace(input, pattern, replacement, flags?)`: every match replaced, the
 * replacement read as JavaScript's `String.prototype.replace` reads it
 * (`$1`, `$&`, `$$`), and `$0` as the whole match, as feelin does.
 */
export function regexReplace(input: string, pattern: string, replacement: string, flags: string | null | undefined): string {
  const compiled = compilePattern(pattern, flags ?? '');
  chargeSteps(input.length);
  const result = compiled.matcher(input).replaceAll(replacement.replace(/\$0/g, '$$&'), false);
  chargeSteps(result.length);
  return result;
}

/**
 * `split(string, delimiter)`: JavaScript's `String.prototype.split` with the
 * delimiter as a pattern (as feelin has it): captured groups are included,
 * an empty match never splits at the start or the end. A group that took
 * no part in a match gives `null` (feelin: `undefined`).
 */
export function regexSplit(input: string, delimiter: string): Array<string | null> {
  const compiled = compilePattern(delimiter, '');
  chargeSteps(input.length);
  const matcher = compiled.matcher(input);
  const size = input.length;
  if (size === 0) return matcher.find() ? [] : [input];
  const parts: Array<string | null> = [];
  // ECMAScript's RegExp.prototype[@@split], with RE2's leftmost match from q
  // standing for its sticky match attempts at q, q + 1, …
  let p = 0;
  let q = 0;
  while (q < size) {
    if (!matcher.find(q)) break;
    const start = matcher.start();
    if (start >= size) break;
    const end = matcher.end();
    if (end === p) {
      // an empty match where the last part ended: move one code point on
      q = start + (isSurrogatePair(input, start) ? 2 : 1);
      continue;
    }
    parts.push(input.slice(p, start));
    for (let group = 1; group <= matcher.groupCount(); group++) parts.push(matcher.group(group));
    p = end;
    q = p;
  }
  parts.push(input.slice(p));
  return parts;
}

function isSurrogatePair(text: string, index: number): boolean {
  const high = text.charCodeAt(index);
  const low = text.charCodeAt(index + 1);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}
