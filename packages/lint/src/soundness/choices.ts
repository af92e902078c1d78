import type { FlowDef, NodeDef } from '@sopflow/engine';

/** Above this many conditional flows, an implicit/inclusive split offers each flow alone and all together. */
const MAX_ENUMERATED_CONDITIONS = 10;

/**
 * The sets of outgoing flows a node may take when it leaves, with data
 * abstracted away (every condition may be true or false). Pure.
 *
 * Mirrors `TokenGame.chooseFlows`:
 * - parallel gateway: all outgoing flows;
 * - exclusive gateway: flows are tested in order and the first true one wins, so any
 *   conditional flow up to and including the first unconditional one may be taken; the
 *   default is an alternative only when no unconditional flow comes first;
 * - everything else (inclusive gateway, activity, event): unconditional flows always, plus
 *   any subset of the conditional ones; when there is no unconditional flow, any non-empty
 *   subset, or the default alone.
 * Conditions are assumed exhaustive: "no condition true and no default" (an incident in
 * the engine) is not offered.
 */
export function outgoingChoices(node: NodeDef, flows: Record<string, FlowDef>): string[][] {
  const outgoing = node.outgoing;
  if (outgoing.length === 0) return [[]];
  if (node.type === 'parallelGateway') return [outgoing.slice()];
  const isDefault = (id: string) => id === node.default;
  if (node.type === 'exclusiveGateway') {
    const choices: string[][] = [];
    for (const id of outgoing) {
      if (isDefault(id)) continue;
      choices.push([id]);
      if (!flows[id].condition) return choices;
    }
    if (node.default) choices.push([node.default]);
    return choices;
  }
  const always = outgoing.filter((id) => !isDefault(id) && !flows[id].condition);
  const conditional = outgoing.filter((id) => !isDefault(id) && flows[id].condition);
  const order = (ids: string[]) => outgoing.filter((id) => ids.includes(id));
  const subsets = conditionalSubsets(conditional);
  const choices: string[][] = [];
  if (always.length) {
    choices.push(always.slice());
    for (const subset of subsets) choices.push(order([...always, ...subset]));
    return choices;
  }
  for (const subset of subsets) choices.push(subset);
  if (node.default) choices.push([node.default]);
  if (choices.length === 0) choices.push([]);
  return choices;
}

/** Non-empty subsets of `ids`, smallest first (each alone and all together beyond the cap). */
function conditionalSubsets(ids: string[]): string[][] {
  if (ids.length > MAX_ENUMERATED_CONDITIONS) return [...ids.map((id) => [id]), ids.slice()];
  const out: string[][] = [];
  for (let mask = 1; mask < 1 << ids.length; mask++) out.push(ids.filter((_, i) => mask & (1 << i)));
  out.sort((a, b) => a.length - b.length);
  return out;
}
