import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createEngine, VirtualClock, type EngineOptions, type Variables } from '@sopflow/engine';
import { FrozenMemoryStore } from '../support/frozenStore.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export async function fixture(name: string): Promise<Uint8Array> {
  return readFile(`${FIXTURES}${name}.bpmn`);
}

/** An engine on a virtual clock with deterministic ids and the fixture deployed. */
export async function setup(name: string, options: Partial<EngineOptions> & { at?: string } = {}) {
  const clock = new VirtualClock(options.at ?? '2026-01-05T09:00:00Z');
  let n = 0;
  // Committed states frozen: a step that changed its input instead of its copy fails here.
  const engine = createEngine({ clock, ids: () => `i${++n}`, store: new FrozenMemoryStore(), ...options });
  await engine.deploy(await fixture(name));

  /** Node ids of audit events of one type (default: nodes left), in order. */
  async function trail(instanceId: string, type = 'node.left'): Promise<string[]> {
    const { items } = await engine.audit.query({ instanceId, types: [type], limit: 10_000 });
    return items.sort((a, b) => a.seq - b.seq).map((e) => e.node ?? '');
  }

  /** Audit event types of an instance, in order. */
  async function types(instanceId: string): Promise<string[]> {
    const { items } = await engine.audit.query({ instanceId, limit: 10_000 });
    return items.sort((a, b) => a.seq - b.seq).map((e) => e.type);
  }

  /** Nodes of the instance's open tasks, sorted. */
  async function openTasks(instanceId: string): Promise<string[]> {
    const { items } = await engine.tasks({ instanceId });
    return items.map((t) => t.node).sort();
  }

  /** Completes the (first) open task at `node` as the system user. */
  async function complete(instanceId: string, node: string, variables: Variables = {}): Promise<void> {
    const { items } = await engine.tasks({ instanceId, node });
    if (!items.length) throw new Error(`No open task at '${node}' in ${instanceId}; open: ${(await openTasks(instanceId)).join(', ')}`);
    await engine.complete(items[0].id, { by: 'system', variables });
    await engine.idle();
  }

  return { engine, clock, trail, types, openTasks, complete };
}
