/**
 * Markings: where the tokens of one case are. A marking is a tree of scope instances (the
 * process, and one instance per running sub-process or event sub-process); each holds a
 * multiset of places (see `Model`) and its child instances. Frozen markings are immutable
 * and carry a canonical key, so equal markings have equal keys whatever order they were
 * built in. Pure; iterative throughout (nesting is unbounded in real files).
 */

/** A frozen scope instance. */
export interface Instance {
  /** Owning sub-process node index, or ROOT for the process. */
  readonly node: number;
  /** Sorted multiset of places (flags, whose ids are highest, come last). */
  readonly tokens: readonly number[];
  /** Child instances, sorted by key. */
  readonly children: readonly Instance[];
  readonly key: string;
}

/** A scope instance being edited (a copy of a frozen one). */
export interface Draft {
  node: number;
  tokens: number[];
  children: Draft[];
}

/** Deep copy of a frozen instance, for editing. */
export function thaw(root: Instance): Draft {
  const out: Draft = { node: root.node, tokens: root.tokens.slice(), children: [] };
  if (root.children.length === 0) return out;
  const stack: Array<[Instance, Draft]> = [[root, out]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    for (const child of from.children) {
      const copy: Draft = { node: child.node, tokens: child.tokens.slice(), children: [] };
      to.children.push(copy);
      stack.push([child, copy]);
    }
  }
  return out;
}

/** Places above this cannot be packed one per UTF-16 code unit; keys then fall back to decimal text. */
const PACKABLE = 0xffff - 3;

/**
 * The canonical key of one scope instance: its owner and places, one code unit each
 * (offset past the bracket markers U+0000 and U+0001, so the first unit is never a marker),
 * then its children's keys in brackets. Huge models fall back to decimal text between two
 * U+0001 markers, which cannot be mistaken for a packed key.
 */
function keyOf(node: number, tokens: readonly number[], children: readonly Instance[]): string {
  let key: string;
  const last = tokens.length ? tokens[tokens.length - 1] : 0;
  if (last < PACKABLE && node + 3 < PACKABLE) {
    key = String.fromCharCode(node + 3);
    for (let i = 0; i < tokens.length; i += 4096) key += String.fromCharCode(...tokens.slice(i, i + 4096).map((t) => t + 3));
  } else {
    key = `\u0001${node}:${tokens.join(',')}\u0001`;
  }
  for (const child of children) key += `\u0000${child.key}\u0001`;
  return key;
}

function sorted(tokens: number[]): number[] {
  for (let i = 1; i < tokens.length; i++) if (tokens[i - 1] > tokens[i]) return tokens.sort((a, b) => a - b);
  return tokens;
}

/** Freezes a draft into a canonical instance (places sorted, children sorted by key). */
export function freeze(root: Draft): Instance {
  if (root.children.length === 0) {
    const tokens = sorted(root.tokens.slice());
    return { node: root.node, tokens, children: [], key: keyOf(root.node, tokens, []) };
  }
  const order: Draft[] = [];
  const stack: Draft[] = [root];
  while (stack.length) {
    const d = stack.pop()!;
    order.push(d);
    for (const child of d.children) stack.push(child);
  }
  const frozen = new Map<Draft, Instance>();
  for (let i = order.length - 1; i >= 0; i--) {
    const d = order[i];
    const tokens = sorted(d.tokens.slice());
    const children = d.children.map((c) => frozen.get(c)!).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    frozen.set(d, { node: d.node, tokens, children, key: keyOf(d.node, tokens, children) });
  }
  return frozen.get(root)!;
}

/** Position of the first token >= place in a sorted multiset. */
function lowerBound(tokens: readonly number[], place: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid] < place) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many tokens a sorted multiset holds on `place`. */
export function countOf(tokens: readonly number[], place: number): number {
  const lo = lowerBound(tokens, place);
  let n = 0;
  while (lo + n < tokens.length && tokens[lo + n] === place) n++;
  return n;
}

/** Removes one token from `place`; false when there is none. */
export function take(d: Draft, place: number): boolean {
  const i = lowerBound(d.tokens, place);
  if (i >= d.tokens.length || d.tokens[i] !== place) return false;
  d.tokens.splice(i, 1);
  return true;
}

/** Adds one token on each place (keeping the multiset sorted). */
export function put(d: Draft, places: readonly number[]): void {
  for (const p of places) d.tokens.splice(lowerBound(d.tokens, p), 0, p);
}

/** Adds one token on `place` (keeping the multiset sorted). */
export function putOne(d: Draft, place: number): void {
  d.tokens.splice(lowerBound(d.tokens, place), 0, place);
}

/** The instance reached by following child indices from the root, with its ancestors (root first). */
export function chainOf(root: Draft, path: readonly number[]): Draft[] {
  const chain = [root];
  let at = root;
  for (const i of path) {
    at = at.children[i];
    chain.push(at);
  }
  return chain;
}

/** Every instance of a frozen marking with its path, parents before children, in key order. */
export function instancesOf(root: Instance): Array<{ inst: Instance; path: number[] }> {
  if (root.children.length === 0) return [{ inst: root, path: [] }];
  const out: Array<{ inst: Instance; path: number[] }> = [];
  const stack: Array<{ inst: Instance; path: number[] }> = [{ inst: root, path: [] }];
  while (stack.length) {
    const entry = stack.pop()!;
    out.push(entry);
    for (let i = entry.inst.children.length - 1; i >= 0; i--) stack.push({ inst: entry.inst.children[i], path: [...entry.path, i] });
  }
  return out;
}
