/**
 * Parse a FEEL expression once, with feelin's own parser (lezer-feel, as
 * configured by `feelin.parseExpression`), into a small immutable tree the
 * compiler can walk. Comments are dropped; a syntax error is reported with
 * the position feelin would report.
 */
import { parseExpression } from 'feelin';
import { ownCopy } from '../ownCopy.js';

type LezerTree = ReturnType<typeof parseExpression>;
type LezerNode = LezerTree['topNode'];

/** One node of the parse tree: lezer-feel's node name, its source range and text. */
export interface FeelNode {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  readonly text: string;
  readonly children: readonly FeelNode[];
}

/** Where and why an expression does not parse. */
export interface SyntaxProblem {
  /** 0-based offset in the expression. */
  readonly position: number;
  /** The unexpected text, or `''` when the expression ends too early. */
  readonly unexpected: string;
}

/** Where the parse tree first gets deeper than allowed. */
export interface DepthProblem {
  /** 0-based offset of the node one level too deep. */
  readonly position: number;
  readonly limit: number;
}

/** The result of {@link parseFeel}: a tree or the first syntax problem. */
export type ParseResult = { readonly tree: FeelNode } | { readonly problem: SyntaxProblem };

/**
 * Parse `source` as a FEEL expression, without any variables in scope
 * (names with spaces are read as feelin reads them without a context).
 * Pure.
 */
export function parseFeel(source: string): ParseResult {
  return parseFeelWithin(source, Infinity) as ParseResult;
}

/**
 * {@link parseFeel}, but the tree is walked iteratively first, so a tree
 * deeper than `maxDepth` is reported (`tooDeep`) before anything recursive
 * touches it. Pure.
 */
export function parseFeelWithin(source: string, maxDepth: number): ParseResult | { readonly tooDeep: DepthProblem } {
  if (source.length > MEMO_MAX_SOURCE) return parseUncached(source, maxDepth);
  const key = `${maxDepth}\u0000${source}`;
  let result = memo.get(key);
  if (result === undefined) {
    // The tree's texts are views into the source: a diagram's own source would keep its XML alive.
    result = parseUncached(ownCopy(source), maxDepth);
    if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
    memo.set(ownCopy(key), result);
  }
  return result;
}

/**
 * Results are immutable, and one deploy or `sopflow validate` run parses
 * the same expression several times (lint rules, compile, soundness):
 * the last parses of short expressions are kept, oldest dropped first.
 */
const MEMO_ENTRIES = 2_000;
const MEMO_MAX_SOURCE = 2_000;
const memo = new Map<string, ParseResult | { readonly tooDeep: DepthProblem }>();

function parseUncached(source: string, maxDepth: number): ParseResult | { readonly tooDeep: DepthProblem } {
  const tree = parseExpression(source, {}, undefined);
  let problem: SyntaxProblem | undefined;
  let tooDeep: DepthProblem | undefined;
  let depth = 0;
  tree.iterate({
    enter(ref) {
      if (problem || tooDeep) return false;
      if (ref.type.isError) {
        problem = locateProblem(source, ref.node);
        return false;
      }
      if (ref.type.isSkipped) return false;
      if (++depth > maxDepth) {
        tooDeep = { position: ref.from, limit: maxDepth };
        return false;
      }
      return true;
    },
    leave() {
      depth--;
    },
  });
  if (problem) return { problem };
  if (tooDeep) return { tooDeep };
  return { tree: toFeelNode(source, tree.topNode) };
}

function toFeelNode(source: string, node: LezerNode): FeelNode {
  const children: FeelNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (!child.type.isSkipped) children.push(toFeelNode(source, child));
  }
  return { name: node.name, from: node.from, to: node.to, text: source.slice(node.from, node.to), children };
}

/** Mirrors feelin's `lintErrorDetails`: the error token, else the token after it. */
function locateProblem(source: string, node: LezerNode): SyntaxProblem {
  if (node.from !== node.to) return { position: node.from, unexpected: source.slice(node.from, node.to) };
  for (let parent: LezerNode | null = node; parent; parent = parent.parent) {
    const next = parent.nextSibling;
    if (next) return { position: next.from, unexpected: source.slice(next.from, next.to) };
  }
  return { position: node.from, unexpected: '' };
}
