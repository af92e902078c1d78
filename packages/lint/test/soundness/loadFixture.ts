import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compile, parse, type ProcessDefinition } from '@sopflow/engine';

const FIXTURES = fileURLToPath(new URL('../fixtures/soundness/', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Parses and compiles BPMN text; returns every executable process. */
export async function compileXml(xml: string): Promise<ProcessDefinition[]> {
  const { definitions } = await parse(xml);
  return compile(definitions).processes;
}

/** Compiles `test/fixtures/soundness/<name>.bpmn` and returns its only process. */
export async function loadFixture(name: string): Promise<ProcessDefinition> {
  const processes = await compileXml(readFileSync(`${FIXTURES}${name}.bpmn`, 'utf8'));
  if (processes.length !== 1) throw new Error(`Fixture ${name} has ${processes.length} processes, expected 1.`);
  return processes[0];
}

/** Compiles a `.bpmn` file given relative to the repository root (e.g. the examples). */
export async function loadRepoFile(path: string): Promise<ProcessDefinition[]> {
  return compileXml(readFileSync(`${REPO_ROOT}${path}`, 'utf8'));
}
