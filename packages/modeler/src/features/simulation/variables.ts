/**
 * Variables typed in the simulation's small forms: a JSON object, or one
 * `name = value` per line (a value that reads as JSON — a number, true,
 * "text", a list — is taken as that, anything else as text). Pure.
 */

/** A problem with typed variables, naming the line. */
export class VariablesFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'VariablesFormatError';
  }
}

const NAME = /^[A-Za-z_][\w.-]*$/;

/**
 * Reads variables from a JSON object or `name = value` lines; empty text is no variables.
 * @throws VariablesFormatError naming the line or the JSON problem
 */
export function parseVariables(text: string): Record<string, unknown> {
  const source = text.trim();
  if (source === '') return {};
  if (source.startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (error) {
      throw new VariablesFormatError(`Not valid JSON: ${(error as Error).message}`);
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new VariablesFormatError('Expected a JSON object such as { "severity": "normal" }.');
    return value as Record<string, unknown>;
  }
  const variables: Record<string, unknown> = {};
  source.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const eq = trimmed.search(/[=:]/);
    if (eq < 0) throw new VariablesFormatError(`Line ${index + 1}: expected name = value, got '${trimmed}'.`);
    const name = trimmed.slice(0, eq).trim();
    if (!NAME.test(name)) throw new VariablesFormatError(`Line ${index + 1}: '${name}' is not a variable name.`);
    variables[name] = readValue(trimmed.slice(eq + 1).trim());
  });
  return variables;
}

function readValue(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Variables as `name = value` lines, for prefilling a form. Pure. */
export function formatVariables(variables: Record<string, unknown>): string {
  return Object.entries(variables)
    .map(([name, value]) => `${name} = ${typeof value === 'string' && readValue(value) === value ? value : JSON.stringify(value)}`)
    .join('\n');
}
