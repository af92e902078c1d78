import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { BpmnParseError, type Problem } from '../../src/errors.js';

/** Folder of the parse fixtures (`<subject>.<scenario>.bpmn`). */
export const FIXTURES = fileURLToPath(new URL('../fixtures/parse/', import.meta.url));

/** The bytes of a fixture, as a file would be read. */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(FIXTURES + name));
}

/** Namespaces declared on the root of the inline test documents. */
export const NS =
  'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"';

/** A minimal BPMN document around `body` (which goes inside the process). */
export function bpmn(body: string, after = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions ${NS} id="Definitions_1">\n<bpmn:process id="Process_1">\n${body}\n</bpmn:process>${after}\n</bpmn:definitions>\n`;
}

/**
 * Awaits a rejection and checks it is a {@link BpmnParseError}; returns it so
 * the test can look at its problems.
 */
export async function rejection(promise: Promise<unknown>): Promise<BpmnParseError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BpmnParseError);
  return error as BpmnParseError;
}

/** The problems of an error with the given severity. */
export function errorsOf(error: BpmnParseError): Problem[] {
  return error.problems.filter((p) => p.severity === 'error');
}
