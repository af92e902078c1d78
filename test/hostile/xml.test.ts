/**
 * Hostile XML (issue 10, "Hostile input"): every document of the issue's
 * list is deployed to an engine that has a case running. Each is refused
 * with a typed error (a SopflowError subclass with a code) naming the
 * element or line and what was expected, in bounded time and memory — and
 * the running case is untouched: same revision, same audit trail, and it
 * still completes. The parse stage's own tests
 * (packages/engine/test/parse) cover the details; this suite proves the
 * list, through the engine.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BpmnParseError,
  BpmnValidationError,
  createEngine,
  DEFAULT_PARSE_LIMITS,
  parse,
  SopflowError,
  VirtualClock,
  type Engine,
  type EngineOptions,
} from '@sopflow/engine';

const T0 = '2026-04-06T09:00:00Z';
const MiB = 1024 * 1024;
const PARSE_FIXTURES = fileURLToPath(new URL('../../packages/engine/test/fixtures/parse/', import.meta.url));

async function own(name: string): Promise<string> {
  return readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

async function parseFixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(PARSE_FIXTURES + name));
}

/** The bystander diagram with a start event padded to `bytes` (a comment, or documentation text). */
async function padded(bytes: number): Promise<Uint8Array> {
  const [before, after] = (await own('xml.bystander.bpmn')).split('<bpmn:startEvent id="start"/>');
  const encoder = new TextEncoder();
  const head = encoder.encode(`${before}<!--`);
  const tail = encoder.encode(`-->\n<bpmn:startEvent id="start"/>${after}`);
  const out = new Uint8Array(bytes);
  out.set(head);
  out.fill(0x61, head.length, bytes - tail.length);
  out.set(tail, bytes - tail.length);
  return out;
}

describe('hostile XML, deployed next to a running case', () => {
  let engine: Engine;
  let caseId: string;

  function newEngine(options: Partial<EngineOptions> = {}): Engine {
    let n = 0;
    return createEngine({ clock: new VirtualClock(T0), ids: () => `id-${++n}`, scheduler: false, ...options });
  }

  beforeEach(async () => {
    engine = newEngine();
    await engine.deploy(await own('xml.bystander.bpmn'));
    caseId = (await engine.start('bystander', { businessKey: 'B-1' })).id;
  });

  afterEach(async () => {
    // then, after every test: the running case was not touched and still completes
    const [task] = (await engine.tasks({ instanceId: caseId })).items;
    await engine.complete(task.id, { by: { id: 'ann', groups: ['clerks'] } });
    expect((await engine.instance(caseId)).status).toBe('completed');
    expect((await engine.audit.verify(caseId)).ok).toBe(true);
    await engine.close();
  });

  async function snapshot() {
    const record = await engine.store.getInstance(caseId);
    const audit = await engine.audit.query({ instanceId: caseId });
    return { rev: record?.rev, auditSeq: record?.auditSeq, events: audit.total, deployments: (await engine.store.listDeployments()).length };
  }

  /** Deploys `xml`, expects a refusal, checks nothing moved; returns the error and how long it took. */
  async function refused(xml: string | Uint8Array): Promise<{ error: SopflowError; ms: number }> {
    const before = await snapshot();
    const started = performance.now();
    const error = await engine.deploy(xml).then(
      () => undefined,
      (e: unknown) => e,
    );
    const ms = performance.now() - started;
    expect(error).toBeInstanceOf(SopflowError);
    expect(await snapshot()).toEqual(before);
    return { error: error as SopflowError, ms };
  }

  it('should refuse a billion-laughs document (entity expansion) as xml.doctype, without expanding anything', async () => {
    // given
    const xml = await parseFixture('doctype.billion-laughs.bpmn');
    const heap = process.memoryUsage().heapUsed;
    // when
    const { error, ms } = await refused(xml);
    // then
    expect(error).toBeInstanceOf(BpmnParseError);
    expect((error as BpmnParseError).problems).toEqual([expect.objectContaining({ code: 'xml.doctype', line: 2, column: 1 })]);
    expect(error.message).toMatch(/never expands entities/);
    expect(ms).toBeLessThan(1_000);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(32 * MiB);
  });

  it('should never read a local file named by an external entity (XXE), whatever the path', async () => {
    // given: a file holding a marker, named by absolute path, file URL and relative path
    const dir = await mkdtemp(join(tmpdir(), 'sopflow-xxe-'));
    const marker = `XXE-MARKER-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const secret = join(dir, 'secret.txt');
    await writeFile(secret, marker);
    try {
      const template = (await own('xml.bystander.bpmn')).replace(
        '<bpmn:definitions',
        '<!DOCTYPE bpmn:definitions [ <!ENTITY xxe SYSTEM "SYSTEM_ID"> ]>\n<bpmn:definitions',
      ).replace('name="Review"', 'name="&xxe;"');
      for (const systemId of [secret, `file://${secret}`, 'secret.txt', `file:${secret}`]) {
        // when
        const { error } = await refused(template.replace('SYSTEM_ID', systemId));
        const direct = await parse(template.replace('SYSTEM_ID', systemId)).catch((e: unknown) => e as BpmnParseError);
        // then: refused before any XML parser ran, and the marker is nowhere
        expect((error as BpmnParseError).problems.map((p) => p.code)).toEqual(['xml.doctype']);
        const everything = JSON.stringify([error, error.message, error.details, error.stack, direct, (direct as Error).message, (direct as BpmnParseError).problems]);
        expect(everything).not.toContain(marker);
      }
      const stored = await engine.store.listDeployments();
      expect(JSON.stringify(stored)).not.toContain(marker);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('should refuse any DOCTYPE or markup declaration, even a harmless one, naming the line', async () => {
    // given
    const base = await own('xml.bystander.bpmn');
    const documents = [
      base.replace('<bpmn:definitions', '<!DOCTYPE bpmn:definitions>\n<bpmn:definitions'),
      base.replace('<bpmn:definitions', '<!DOCTYPE x [ <!ELEMENT x ANY> ]>\n<bpmn:definitions'),
      base.replace('<bpmn:process', '<!ENTITY e "x">\n  <bpmn:process'),
      base.replace('<bpmn:definitions', '<!DOCTYPE x PUBLIC "-//x//EN" "http://127.0.0.1:9/x.dtd">\n<bpmn:definitions'),
    ];
    for (const xml of documents) {
      // when
      const { error, ms } = await refused(xml);
      // then
      expect(error).toBeInstanceOf(BpmnParseError);
      const [problem] = (error as BpmnParseError).problems;
      expect(problem).toMatchObject({ code: 'xml.doctype', severity: 'error' });
      expect(problem.line).toBeGreaterThanOrEqual(2);
      expect(error.message).toMatch(/Remove the DOCTYPE/);
      expect(ms).toBeLessThan(1_000);
    }
  });

  it('should refuse a 50 MB document at once by the size limit (maxBytes), before decoding it', async () => {
    // given
    const xml = await padded(50 * MiB);
    const heap = process.memoryUsage().heapUsed;
    // when
    const { error, ms } = await refused(xml);
    // then
    expect((error as BpmnParseError).problems).toEqual([expect.objectContaining({ code: 'xml.too-large' })]);
    expect(error.message).toContain(`limit of ${DEFAULT_PARSE_LIMITS.maxBytes} bytes`);
    expect(error.message).toContain('maxBytes');
    expect(ms).toBeLessThan(100);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(16 * MiB);
  });

  it('should accept that 50 MB document when maxBytes is raised, in bounded time and memory', async () => {
    // given
    const xml = await padded(50 * MiB);
    const roomy = newEngine({ parseLimits: { maxBytes: 64 * MiB } });
    const heap = process.memoryUsage().heapUsed;
    const started = performance.now();
    // when
    const result = await roomy.deploy(xml);
    const instance = await roomy.start('bystander');
    // then
    const ms = performance.now() - started;
    expect(result.processes).toEqual([expect.objectContaining({ id: 'bystander', created: true })]);
    expect(instance.activities.map((a) => a.node)).toEqual(['review']);
    expect(ms).toBeLessThan(15_000);
    // the decoded text is kept with the deployment (about 50 MiB of one-byte characters)
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(400 * MiB);
    await roomy.close();
  });

  it('should refuse 100,000-deep nesting as xml.too-deep with the line, without a stack overflow', async () => {
    // given
    const xml = (await own('xml.bystander.bpmn')).replace(
      '<bpmn:startEvent id="start"/>',
      `<bpmn:startEvent id="start"><bpmn:extensionElements>${'<x:a xmlns:x="urn:x">'.repeat(100_000)}${'</x:a>'.repeat(100_000)}</bpmn:extensionElements></bpmn:startEvent>`,
    );
    // when
    const { error, ms } = await refused(xml);
    // then
    expect((error as BpmnParseError).problems).toEqual([expect.objectContaining({ code: 'xml.too-deep', line: 4 })]);
    expect(error.message).toContain(`${DEFAULT_PARSE_LIMITS.maxDepth} levels`);
    expect(error.message).toContain('maxDepth');
    expect(ms).toBeLessThan(2_000);
  });

  it('should refuse invalid UTF-8 bytes with the byte offset, line and column of the first bad byte', async () => {
    // given
    const xml = await parseFixture('encoding.invalid-utf8.bpmn');
    // when
    const { error } = await refused(xml);
    // then
    expect((error as BpmnParseError).problems).toEqual([expect.objectContaining({ code: 'xml.encoding', line: 4, column: 35 })]);
    expect(error.message).toContain(`offset ${xml.indexOf(0xe9)} `);
  });

  it('should refuse invalid UTF-8 that a lax decoder turned into U+FFFD in a string, and a lone surrogate', async () => {
    // given: the same bytes read as a string the usual lax way (Buffer.toString / readFile(…, 'utf8'))
    const lax = new TextDecoder().decode(await parseFixture('encoding.invalid-utf8.bpmn'));
    expect(lax).toContain('\uFFFD');
    const lone = (await own('xml.bystander.bpmn')).replace('name="Review"', 'name="Re\uD800view"');
    // when
    const fromLax = await refused(lax);
    const fromLone = await refused(lone);
    // then
    expect((fromLax.error as BpmnParseError).problems).toEqual([expect.objectContaining({ code: 'xml.encoding', line: 4, column: 35 })]);
    expect(fromLax.error.message).toMatch(/U\+FFFD/);
    expect(fromLax.error.message).toMatch(/Pass the file's bytes/);
    expect((fromLone.error as BpmnParseError).problems).toEqual([expect.objectContaining({ code: 'xml.encoding', line: 5, column: 40 })]);
    expect(fromLone.error.message).toMatch(/lone surrogate \(U\+D800\)/);
  });

  it('should read UTF-8, UTF-16LE and UTF-16BE byte order marks and ISO-8859-1 with every character intact', async () => {
    // given
    const utf8 = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode((await own('xml.bystander.bpmn')).replace('name="Review"', 'name="Prüfen"'))]);
    const documents: Array<[string, Uint8Array, string]> = [
      ['UTF-8 BOM', utf8, 'bystander'],
      ['UTF-16LE BOM', await parseFixture('encoding.utf-16le-bom.bpmn'), ''],
      ['UTF-16BE BOM', await parseFixture('encoding.utf-16be-bom.bpmn'), ''],
      ['ISO-8859-1', await parseFixture('encoding.iso-8859-1.bpmn'), ''],
    ];
    for (const [label, bytes] of documents) {
      // when
      const parsed = await parse(bytes);
      // then
      expect(parsed.warnings.filter((w) => w.code.startsWith('xml.')), label).toEqual([]);
      expect(parsed.xml.charCodeAt(0), label).not.toBe(0xfeff);
      expect(JSON.stringify(parsed.xml), label).not.toContain('\\ufffd');
    }
    const deployed = await engine.deploy(utf8);
    expect(deployed.processes.map((p) => p.id)).toEqual(['bystander']);
    expect((await engine.definition('bystander')).nodes.review.name).toBe('Prüfen');
    expect((await parse(documents[3][1])).xml).toContain('é');
  });

  it('should refuse duplicate ids, naming the id and the line of the second one', async () => {
    // when
    const { error } = await refused(await parseFixture('ids.duplicate.bpmn'));
    // then
    expect(error).toBeInstanceOf(BpmnParseError);
    expect((error as BpmnParseError).problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'bpmn.duplicate-id', elementId: 'Task_1', line: 5, column: 5 }),
    ]);
    expect(error.message).toMatch(/used twice/);
  });

  it('should refuse an id holding markup with a typed error, never drop the element as bpmn-moddle\'s lax mode does', async () => {
    // when
    const { error } = await refused(await parseFixture('ids.markup.bpmn'));
    // then
    expect(error).toBeInstanceOf(BpmnParseError);
    expect((error as BpmnParseError).problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'bpmn.invalid-id', elementId: '<img src=x onerror=alert(1)>', line: 4, column: 5 }),
    ]);
    expect(error.message).toMatch(/not a valid id/);
  });

  it('should refuse a sourceRef to a missing element, naming the flow, the attribute and the missing id', async () => {
    // when
    const { error } = await refused(await parseFixture('references.dangling-source.bpmn'));
    // then
    expect((error as BpmnParseError).problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'bpmn.unresolved-reference', elementId: 'Flow_1', attribute: 'sourceRef', line: 5 }),
    ]);
    expect(error.message).toContain("'Task_Missing'");
  });

  it('should refuse sub-process references that loop back to their own sub-process', async () => {
    // when
    const boundary = await refused(await own('xml.boundary-on-enclosing-subprocess.bpmn'));
    const flow = await refused(await own('xml.flow-into-enclosing-subprocess.bpmn'));
    // then
    expect(boundary.error).toBeInstanceOf(BpmnValidationError);
    expect((boundary.error as BpmnValidationError).problems).toEqual([
      expect.objectContaining({ elementId: 'onOuter', attribute: 'attachedToRef', line: 8 }),
    ]);
    expect(boundary.error.message).toMatch(/attached to, 'outer'/);
    expect(flow.error).toBeInstanceOf(BpmnValidationError);
    expect((flow.error as BpmnValidationError).problems).toEqual([expect.objectContaining({ elementId: 'f_work_outer', line: 9 })]);
    expect(flow.error.message).toMatch(/crosses a sub-process boundary/);
  });
});

describe('a call activity calling itself for ever', () => {
  function newEngine(options: Partial<EngineOptions> = {}): Engine {
    let n = 0;
    return createEngine({ clock: new VirtualClock(T0), ids: () => `id-${++n}`, scheduler: false, ...options });
  }

  async function deepest(engine: Engine, rootId: string) {
    const all = (await engine.instances({ limit: 10_000 })).items;
    const byParent = new Map(all.filter((i) => i.parentId).map((i) => [i.parentId!, i]));
    let depth = 0;
    let current = all.find((i) => i.id === rootId)!;
    while (byParent.has(current.id)) {
      current = byParent.get(current.id)!;
      depth++;
    }
    return { depth, instance: await engine.instance(current.id), count: all.length };
  }

  it('should stop at the call-depth limit with an incident naming the call activity and the limit, and leave other cases alone', async () => {
    // given
    const engine = newEngine();
    await engine.deploy(await own('xml.call-self.bpmn'));
    await engine.deploy(await own('xml.bystander.bpmn'));
    const bystander = await engine.start('bystander');
    // when
    const started = performance.now();
    const root = await engine.start('recurse');
    const ms = performance.now() - started;
    // then
    const { depth, instance, count } = await deepest(engine, root.id);
    expect(depth).toBe(64);
    expect(count).toBe(66);
    expect(instance.incidents).toEqual([expect.objectContaining({ kind: 'call', node: 'callSelf' })]);
    expect(instance.incidents[0].message).toContain("Call activity 'Call myself' (callSelf)");
    expect(instance.incidents[0].message).toContain('beyond the limit of 64');
    expect(instance.incidents[0].message).toContain('limits.maxCallDepth');
    expect(ms).toBeLessThan(10_000);
    const [task] = (await engine.tasks({ instanceId: bystander.id })).items;
    await engine.complete(task.id, { by: { id: 'ann', groups: ['clerks'] } });
    expect((await engine.instance(bystander.id)).status).toBe('completed');
    expect((await engine.audit.verify()).ok).toBe(true);
  });

  it('should bound a cycle of two processes calling each other the same way', async () => {
    // given
    const engine = newEngine({ limits: { maxCallDepth: 9 } });
    await engine.deploy(await own('xml.call-cycle.bpmn'));
    // when
    const root = await engine.start('ping');
    // then
    const { depth, instance } = await deepest(engine, root.id);
    expect(depth).toBe(9);
    expect(instance.processId).toBe('pong');
    expect(instance.incidents).toEqual([expect.objectContaining({ kind: 'call', node: 'callPing' })]);
    expect(instance.incidents[0].message).toContain('10 calls deep, beyond the limit of 9');
  });

  it('should let limits.maxCallDepth raise the depth', async () => {
    // given
    const engine = newEngine({ limits: { maxCallDepth: 100 } });
    await engine.deploy(await own('xml.call-self.bpmn'));
    // when
    const root = await engine.start('recurse');
    // then
    const { depth, instance } = await deepest(engine, root.id);
    expect(depth).toBe(100);
    expect(instance.incidents[0].message).toContain('beyond the limit of 100');
  });
});
