/**
 * Every diagram of the shared corpus of real BPMN files (drawn with Camunda
 * and bpmn.io tools, some broken on purpose) goes through `deploy`, read in
 * place as bytes. Each must either deploy or be refused with a SopflowError
 * whose problems name the element (or, for a document-level problem, a line
 * or a document-level code); a TypeError or any other escape is a bug.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BpmnParseError,
  BpmnValidationError,
  createEngine,
  SopflowError,
  UnsupportedElementError,
  VirtualClock,
  type Problem,
} from '@sopflow/engine';

import { CORPUS, corpusAvailable } from '../support/corpus.js';

/** `.bpmn`, and Camunda's `.bpmn20.xml`. */
const BPMN_FILE = /\.bpmn(?:20\.xml)?$/i;
/** Problems about the document as a whole, which no element id can locate. */
const DOCUMENT_LEVEL = new Set(['bpmn.no-process', 'bpmn.not-bpmn', 'bpmn.too-many-problems', 'bpmn.import-failed']);

type Outcome =
  | { file: string; kind: 'deployed'; processes: number; warnings: Problem[] }
  | { file: string; kind: 'refused'; error: SopflowError; problems: Problem[] }
  | { file: string; kind: 'crashed'; error: unknown };

function bpmnFiles(): string[] {
  return (readdirSync(CORPUS, { recursive: true, withFileTypes: true }) as Array<{ name: string; parentPath: string; isFile(): boolean }>)
    .filter((entry) => entry.isFile() && BPMN_FILE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** The located findings a refusal carries; an error class without them yields none. */
function problemsOf(error: SopflowError): Problem[] {
  if (error instanceof BpmnParseError || error instanceof BpmnValidationError) return error.problems;
  if (error instanceof UnsupportedElementError) return error.elements;
  return [];
}

async function deployFile(path: string): Promise<Outcome> {
  const file = relative(CORPUS, path);
  const engine = createEngine({ clock: new VirtualClock(0), scheduler: false });
  try {
    const result = await engine.deploy(new Uint8Array(readFileSync(path)));
    return { file, kind: 'deployed', processes: result.processes.length, warnings: result.warnings };
  } catch (error) {
    return error instanceof SopflowError ? { file, kind: 'refused', error, problems: problemsOf(error) } : { file, kind: 'crashed', error };
  } finally {
    await engine.close();
  }
}

function isLocated(p: Problem): boolean {
  return p.elementId !== undefined || p.line !== undefined || DOCUMENT_LEVEL.has(p.code);
}

/** `Script in 'groovy' (…) is not supported by sopflow` → `Script in '…' (…)`. */
function unsupportedKind(p: Problem): string {
  return p.message.replace(/ is not supported by sopflow$/, '').replace(/'[^']*'/g, "'…'");
}

function count<T>(items: Iterable<T>): Map<T, number> {
  const counts = new Map<T, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}

function tally(outcomes: Outcome[]): string {
  const deployed = outcomes.filter((o) => o.kind === 'deployed');
  const refused = outcomes.filter((o) => o.kind === 'refused');
  const rows = (map: Map<string, number>, limit = Infinity) =>
    [...map]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([key, n]) => `      ${String(n).padStart(4)}  ${key}`);
  const errors = (o: (typeof refused)[number]) => o.problems.filter((p) => p.severity === 'error');
  return [
    `corpus deploy: ${outcomes.length} files`,
    `  deployed  ${deployed.length} files, ${deployed.reduce((n, o) => n + o.processes, 0)} processes`,
    `  refused   ${refused.length} files`,
    `    by error class (files):`,
    ...rows(count(refused.map((o) => o.error.constructor.name))),
    `    by problem code (files with at least one):`,
    ...rows(count(refused.flatMap((o) => [...new Set(errors(o).map((p) => p.code))]))),
    `    top unsupported element kinds (elements):`,
    ...rows(count(refused.flatMap((o) => (o.error instanceof UnsupportedElementError ? o.error.elements.map(unsupportedKind) : []))), 12),
    `  crashed   ${outcomes.filter((o) => o.kind === 'crashed').length} files`,
  ].join('\n');
}

describe.runIf(corpusAvailable)('deploy: the shared corpus of real diagrams', () => {
  const outcomes: Outcome[] = [];
  const outcome = (file: string) => outcomes.find((o) => o.file === file);

  beforeAll(async () => {
    for (const path of bpmnFiles()) outcomes.push(await deployFile(path));
    console.log(tally(outcomes));
  }, 120_000);

  it('should find the whole corpus (425 diagrams)', () => {
    // then
    expect(outcomes).toHaveLength(425);
  });

  it('should either deploy each diagram or refuse it with a SopflowError, nothing else', () => {
    // when
    const crashed = outcomes.flatMap((o) => (o.kind === 'crashed' ? [o] : []));
    // then
    expect(crashed.map((o) => `${o.file}: ${o.error instanceof Error ? o.error.stack : String(o.error)}`)).toEqual([]);
  });

  it('should name the element (or the line, for a document-level problem) of every error in a refusal', () => {
    // given
    const refused = outcomes.flatMap((o) => (o.kind === 'refused' ? [o] : []));
    // when
    const withoutErrors = refused.filter((o) => !o.problems.some((p) => p.severity === 'error'));
    const unlocated = refused.flatMap((o) => o.problems.filter((p) => p.severity === 'error' && !isLocated(p)).map((p) => `${o.file}: ${p.code} ${p.message}`));
    // then
    expect(refused.length).toBeGreaterThan(0);
    expect(withoutErrors.map((o) => `${o.file}: ${o.error.constructor.name} ${o.error.message}`)).toEqual([]);
    expect(unlocated).toEqual([]);
  });

  it('should deploy at least the executable diagrams it deploys today (111 files)', () => {
    // then
    expect(outcomes.filter((o) => o.kind === 'deployed').length).toBeGreaterThanOrEqual(111);
  });

  it('should deploy the Camunda 8 diagrams whose zeebe:input sources are static values', () => {
    // given: connector inputs such as source="https://…" or source="<YOUR TOKEN>", strings in Zeebe
    const files = [
      'camunda/camunda-8-tutorials/quick-start/api-orchestration/Quick Start_ API Orchestration.bpmn',
      'camunda/camunda-8-tutorials/solutions/ci-cd/CI-CD Pipeline.bpmn',
      'camunda/camunda-8-tutorials/solutions/event-registration/Event Registration.bpmn',
      'camunda/camunda-8-tutorials/solutions/enforcing-sla/Enforcing SLA.bpmn',
    ];
    // then
    for (const file of files) expect(outcome(file)?.kind, file).toBe('deployed');
  });

  it('should refuse each of these diagrams with the error class, code and element expected', () => {
    // given
    const expected: Array<[file: string, errorClass: abstract new (...args: never[]) => SopflowError, code: string, elementId: string]> = [
      // Camunda 7 attributes in the Activiti namespace it still reads: the DMN decision is seen
      ['camunda/camunda-bpm-platform/webapps/assembly/src/main/runtime/develop/resources/pa3/invoice/invoice.bpmn', UnsupportedElementError, 'bpmn.unsupported', 'assignApprover'],
      // an XSLT script loaded with camunda:resource is a script in another language, not a missing expression
      ['camunda/camunda-bpm-examples/scripttask/xslt-scripttask/src/main/resources/xslt-example.bpmn', UnsupportedElementError, 'bpmn.unsupported', 'ScriptTask_1'],
      // a call of a CMMN case, not a call activity without a target
      ['camunda/camunda-bpm-platform/webapps/assembly/src/main/runtime/develop/resources/pa5/call-activities-with-references.bpmn', UnsupportedElementError, 'bpmn.unsupported', 'Activity_08fmue3'],
      ['bpmn-js/test/fixtures/bpmn/kitchen-sink.bpmn', UnsupportedElementError, 'bpmn.unsupported', 'Gateway_0im7nvs'],
      ['camunda/camunda-bpm-examples/usertask/task-form-embedded-json-variables/src/main/resources/process.bpmn', BpmnValidationError, 'expression.juel', 'SequenceFlow_4'],
      ['camunda/camunda-bpm-platform/webapps/assembly/src/main/runtime/develop/resources/pa3/failing-timer-start-event.bpmn', BpmnValidationError, 'timer.invalid', 'StartEvent_1'],
      ['camunda/camunda-modeler/resources/diagram/simple.bpmn', BpmnValidationError, 'bpmn.not-executable', 'Process_1'],
      ['bpmn-js/test/fixtures/bpmn/error/no-process-collaboration.bpmn', BpmnParseError, 'bpmn.no-process', 'definitions'],
    ];
    // then
    for (const [file, errorClass, code, elementId] of expected) {
      const o = outcome(file);
      expect(o?.kind, file).toBe('refused');
      const refusal = o as Extract<Outcome, { kind: 'refused' }>;
      expect(refusal.error, file).toBeInstanceOf(errorClass);
      expect(refusal.problems.map((p) => `${p.code} ${p.elementId}`), file).toContain(`${code} ${elementId}`);
    }
  });
});
