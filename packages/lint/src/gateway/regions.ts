/**
 * Sets of values of one variable that a condition accepts, with union,
 * intersection and complement: booleans as a set, numbers as a union of
 * intervals, strings as a finite set or its complement. `all` and `none`
 * are the constant conditions. Pure.
 */

/** An interval of numbers; infinite ends are never included. */
export interface Interval {
  lo: number;
  loIn: boolean;
  hi: number;
  hiIn: boolean;
}

/** The values of `variable` a condition accepts. */
export type Region =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'boolean'; variable: string; values: ReadonlySet<boolean> }
  | { kind: 'number'; variable: string; intervals: readonly Interval[] }
  | { kind: 'string'; variable: string; values: ReadonlySet<string>; complement: boolean };

/** Two regions about different variables or value types: nothing can be decided. */
export class Undecidable extends Error {}

/** The constant condition `true`: accepts every value. */
export const ALL: Region = { kind: 'all' };

/** The constant condition `false`: accepts no value. */
export const NONE: Region = { kind: 'none' };

/** The whole number line. */
const LINE: Interval = { lo: -Infinity, loIn: false, hi: Infinity, hiIn: false };

function isEmpty(i: Interval): boolean {
  return i.lo > i.hi || (i.lo === i.hi && !(i.loIn && i.hiIn));
}

/** Sorted, disjoint, non-touching intervals with the same union. Pure. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((i) => !isEmpty(i)).sort((a, b) => a.lo - b.lo || Number(b.loIn) - Number(a.loIn));
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && (i.lo < last.hi || (i.lo === last.hi && (last.hiIn || i.loIn)))) {
      if (i.hi > last.hi || (i.hi === last.hi && i.hiIn)) {
        last.hi = i.hi;
        last.hiIn = i.hiIn;
      }
    } else {
      out.push({ ...i });
    }
  }
  return out;
}

function complementIntervals(intervals: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let lo = -Infinity;
  let loIn = false;
  for (const i of normalize(intervals)) {
    out.push({ lo, loIn, hi: i.lo, hiIn: !i.loIn && Number.isFinite(i.lo) });
    lo = i.hi;
    loIn = !i.hiIn && Number.isFinite(i.hi);
  }
  out.push({ lo, loIn, hi: Infinity, hiIn: false });
  return normalize(out);
}

function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const x of a) {
    for (const y of b) {
      const lo = Math.max(x.lo, y.lo);
      const hi = Math.min(x.hi, y.hi);
      const loIn = (x.lo === lo ? x.loIn : true) && (y.lo === lo ? y.loIn : true);
      const hiIn = (x.hi === hi ? x.hiIn : true) && (y.hi === hi ? y.hiIn : true);
      out.push({ lo, loIn, hi, hiIn });
    }
  }
  return normalize(out);
}

/** Whether the region accepts every value of its type. Pure. */
export function isEverything(region: Region): boolean {
  switch (region.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'boolean':
      return region.values.size === 2;
    case 'number': {
      const [first, ...rest] = normalize(region.intervals);
      return rest.length === 0 && first !== undefined && first.lo === LINE.lo && first.hi === LINE.hi;
    }
    case 'string':
      return region.complement && region.values.size === 0;
  }
}

/** The values the region does not accept. Pure. */
export function complement(region: Region): Region {
  switch (region.kind) {
    case 'all':
      return NONE;
    case 'none':
      return ALL;
    case 'boolean':
      return { ...region, values: new Set([true, false].filter((v) => !region.values.has(v))) };
    case 'number':
      return { ...region, intervals: complementIntervals(region.intervals) };
    case 'string':
      return { ...region, complement: !region.complement };
  }
}

function sameSubject(a: Region, b: Region): void {
  if (a.kind === 'all' || a.kind === 'none' || b.kind === 'all' || b.kind === 'none') return;
  if (a.kind !== b.kind || a.variable !== b.variable) throw new Undecidable();
}

/** Values either region accepts. @throws Undecidable for regions about different variables or types. */
export function union(a: Region, b: Region): Region {
  if (a.kind === 'all' || b.kind === 'all') return ALL;
  if (a.kind === 'none') return b;
  if (b.kind === 'none') return a;
  sameSubject(a, b);
  return complement(intersect(complement(a), complement(b)));
}

/** Values both regions accept. @throws Undecidable for regions about different variables or types. */
export function intersect(a: Region, b: Region): Region {
  if (a.kind === 'none' || b.kind === 'none') return NONE;
  if (a.kind === 'all') return b;
  if (b.kind === 'all') return a;
  sameSubject(a, b);
  if (a.kind === 'boolean' && b.kind === 'boolean') return { ...a, values: new Set([...a.values].filter((v) => b.values.has(v))) };
  if (a.kind === 'number' && b.kind === 'number') return { ...a, intervals: intersectIntervals(a.intervals, b.intervals) };
  if (a.kind === 'string' && b.kind === 'string') {
    if (!a.complement && !b.complement) return { ...a, values: new Set([...a.values].filter((v) => b.values.has(v))) };
    if (a.complement && b.complement) return { ...a, values: new Set([...a.values, ...b.values]) };
    const [finite, excluded] = a.complement ? [b, a] : [a, b];
    return { ...finite, values: new Set([...finite.values].filter((v) => !excluded.values.has(v))) };
  }
  throw new Undecidable();
}

/** The numbers `x op n` accepts. Pure. */
export function numberRegion(variable: string, op: string, n: number): Region {
  const point: Interval = { lo: n, loIn: true, hi: n, hiIn: true };
  const byOp: Record<string, Interval[]> = {
    '=': [point],
    '!=': complementIntervals([point]),
    '<': [{ lo: -Infinity, loIn: false, hi: n, hiIn: false }],
    '<=': [{ lo: -Infinity, loIn: false, hi: n, hiIn: true }],
    '>': [{ lo: n, loIn: false, hi: Infinity, hiIn: false }],
    '>=': [{ lo: n, loIn: true, hi: Infinity, hiIn: false }],
  };
  const intervals = byOp[op];
  if (!intervals) throw new Undecidable();
  return { kind: 'number', variable, intervals };
}
