/**
 * The source feelin evaluates in the fallback: the expression with the list
 * of every `for`/`some`/`every` and the target of every filter wrapped in a
 * call of an identity function, so that iterating a list goes through a
 * function call, and function calls charge the step budget (see budget.ts).
 */
import { ITERATE_GUARD_NAME, VALUE_GUARD_NAME } from './budget.js';
import type { FeelNode } from './syntaxTree.js';

/**
 * `for x in xs return x` → `for x in __sopflow_iterate(xs) return x`;
 * `xs[a > 1]` → `__sopflow_iterate(xs)[a > 1]`. Ranges (`1..n`) are left
 * as they are: enumerating a range charges the budget itself. And the
 * target of a path that is not a plain variable (`count.prototype`,
 * `(f).x`, `{f: count}.f.prototype`) → `__sopflow_value(…)`, which turns a
 * function into `null`. Values and types are otherwise unchanged. Pure.
 */
export function guardIterations(source: string, tree: FeelNode, isBuiltinName: (name: string) => boolean): string {
  const edits: Array<{ at: number; text: string; order: number }> = [];
  const wrap = (node: FeelNode, guard: string): void => {
    edits.push({ at: node.from, text: `${guard}(`, order: 1 }, { at: node.to, text: ')', order: 0 });
  };
  const stack: FeelNode[] = [tree];
  while (stack.length) {
    const node = stack.pop()!;
    if (node.name === 'IterationContext' && node.children.length === 1) wrap(node.children[0], ITERATE_GUARD_NAME);
    else if (node.name === 'FilterExpression' && node.children.length === 4) wrap(node.children[0], ITERATE_GUARD_NAME);
    else if (node.name === 'PathExpression' && node.children.length === 3) {
      // a path down from a variable reads data; from anything else, or a built-in's name, it may reach a function
      const target = node.children[0];
      let root = target;
      while (root.name === 'PathExpression' && root.children.length === 3) root = root.children[0];
      const name = root.name === 'VariableName' ? root.children.map((part) => part.text).join(' ') : undefined;
      if (name === undefined || isBuiltinName(name)) wrap(target, VALUE_GUARD_NAME);
    }
    for (const child of node.children) stack.push(child);
  }
  if (edits.length === 0) return source;
  // closing parentheses before opening ones at the same offset
  edits.sort((a, b) => a.at - b.at || a.order - b.order);
  let out = '';
  let last = 0;
  for (const edit of edits) {
    out += source.slice(last, edit.at) + edit.text;
    last = edit.at;
  }
  return out + source.slice(last);
}
