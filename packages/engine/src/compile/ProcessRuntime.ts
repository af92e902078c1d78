import { compileFeel, usesClock, type CompiledFeel, type FeelLimits } from '../feel/index.js';
import type { Expr, FlowDef, NodeDef, ProcessDefinition, ScopeDef } from './definition.js';

/**
 * What the engine keeps in memory per deployed definition, built once: the
 * definition, its FEEL expressions compiled, and the reachability tables the
 * inclusive (OR) join needs. Pure; never rebuilt per step.
 */
export class ProcessRuntime {
  private readonly compiled = new Map<string, CompiledFeel>();
  /** OR-join id → its incoming flow id → nodes from which a token can still reach that flow without passing the join. */
  private readonly reach = new Map<string, Map<string, Set<string>>>();

  /** @param feelLimits bounds on every expression and evaluation (defaults: `DEFAULT_FEEL_LIMITS`). */
  constructor(
    readonly definition: ProcessDefinition,
    private readonly feelLimits?: FeelLimits,
  ) {
    for (const node of Object.values(definition.nodes)) {
      if (node.type === 'inclusiveGateway' && node.incoming.length > 1) this.reach.set(node.id, this.reachIntoJoin(node));
    }
  }

  node(id: string): NodeDef {
    return this.definition.nodes[id];
  }

  flow(id: string): FlowDef {
    return this.definition.flows[id];
  }

  scope(id: string): ScopeDef {
    return this.definition.scopes[id];
  }

  /** The compiled form of an expression, compiled on first use and kept. */
  feel(expr: Expr): CompiledFeel {
    let compiled = this.compiled.get(expr.feel);
    if (!compiled) {
      compiled = compileFeel(expr.feel, undefined, this.feelLimits);
      this.compiled.set(expr.feel, compiled);
    }
    return compiled;
  }

  /** Whether an expression calls `now()` / `today()` (the engine then binds them to its clock). */
  readsClock(expr: Expr): boolean {
    return usesClock(expr.feel);
  }

  /** Compiles every expression of the definition now (deploy time), so no step pays for it. */
  compileAll(): void {
    const visit = (value: unknown): void => {
      if (!value || typeof value !== 'object') return;
      if (Array.isArray(value)) {
        value.forEach(visit);
        return;
      }
      const record = value as Record<string, unknown>;
      if (typeof record.feel === 'string' && Object.keys(record).length === 1) {
        if (record.feel !== '__all__') this.feel(record as unknown as Expr);
        return;
      }
      Object.values(record).forEach(visit);
    };
    visit(this.definition.nodes);
    visit(this.definition.flows);
    visit(this.definition.sla);
  }

  /** Nodes that can reach `flow` (an incoming flow of OR-join `join`) without passing the join. */
  canReach(join: string, flow: string, fromNode: string): boolean {
    return this.reach.get(join)?.get(flow)?.has(fromNode) ?? false;
  }

  private reachIntoJoin(join: NodeDef): Map<string, Set<string>> {
    const table = new Map<string, Set<string>>();
    const nodes = this.definition.nodes;
    for (const flowId of join.incoming) {
      const seen = new Set<string>();
      const start = this.definition.flows[flowId].source;
      const stack = start === join.id ? [] : [start];
      while (stack.length) {
        const id = stack.pop()!;
        if (seen.has(id)) continue;
        seen.add(id);
        const node = nodes[id];
        for (const inc of node.incoming) {
          const source = this.definition.flows[inc].source;
          if (source !== join.id && !seen.has(source)) stack.push(source);
        }
        if (node.attachedTo && !seen.has(node.attachedTo)) stack.push(node.attachedTo);
      }
      table.set(flowId, seen);
    }
    return table;
  }
}
