/**
 * The variables an expression reads, found once in its parse tree.
 */
import type { FeelNode } from './syntaxTree.js';

/**
 * Names the expression reads from the context, in order of first use, as
 * feelin names them (words of a multi-word name joined by one space).
 * Names used only as function names (`count` in `count(x)`) are left out.
 * Names bound by `for`, `some`, `every` or a filter (`c` in
 * `for c in cs return c.ok`) are included where they are used, so the list
 * never misses a variable: narrowing a context to it is safe. Pure.
 */
export function readVariables(tree: FeelNode): string[] {
  const names = new Set<string>();
  const visit = (node: FeelNode, isCallee: boolean): void => {
    if (node.name === 'VariableName') {
      if (!isCallee) names.add(node.children.map((part) => part.text).join(' '));
      return;
    }
    node.children.forEach((child, index) => visit(child, node.name === 'FunctionInvocation' && index === 0));
  };
  visit(tree, false);
  return [...names];
}
