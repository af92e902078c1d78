import { readFile } from 'node:fs/promises';
import { BpmnParseError, compile, parse, SopflowError, type ParseResult, type Problem, type ProcessDefinition } from '@sopflow/engine';
import { checkSoundness, lintDefinitions, type LintConfig, type Resolver } from 'bpmnlint-plugin-sopflow';
import type { ValidationProblem } from './formats.js';

export interface ValidateOptions {
  /** bpmnlint configuration (`.bpmnlintrc` or the default). */
  config: LintConfig;
  /** Resolver of its rules and configs (default: bpmnlint's built-ins and sopflow's). */
  resolver?: Resolver;
  /** Calendar names known from the calendars file. */
  calendars: string[];
  /** Message names documented as coming from outside. */
  external?: string[];
  /** Explore the token state space (default true). */
  soundness?: boolean;
  maxStates?: number;
}

function fromProblem(file: string, p: Problem, rule: string): ValidationProblem {
  return {
    file,
    ...(p.line !== undefined ? { line: p.line } : {}),
    ...(p.column !== undefined ? { column: p.column } : {}),
    ...(p.elementId ? { elementId: p.elementId } : {}),
    ...(p.elementName ? { elementName: p.elementName } : {}),
    rule,
    severity: p.severity,
    message: p.message,
    code: p.code,
    ...(p.params ? { params: p.params } : {}),
  };
}

/**
 * Validates one diagram: reading (every import warning is a problem), the
 * lint rules (bpmnlint's and sopflow's), and soundness of each executable
 * process. Problems carry file, element, rule, message and line/column.
 */
export async function validateFile(path: string, shown: string, options: ValidateOptions): Promise<ValidationProblem[]> {
  let parsed: ParseResult;
  try {
    parsed = await parse(await readFile(path));
  } catch (error) {
    if (error instanceof BpmnParseError) return error.problems.map((p) => fromProblem(shown, p, `parse/${p.code}`));
    throw error;
  }
  const problems: ValidationProblem[] = parsed.warnings.map((p) => fromProblem(shown, p, `parse/${p.code}`));
  const findings = await lintDefinitions(parsed.definitions, options.config, { calendars: options.calendars, external: options.external ?? [], ...(options.resolver ? { resolver: options.resolver } : {}) });
  for (const f of findings) {
    const at = f.id ? parsed.locate(f.id) : undefined;
    problems.push({
      file: shown,
      ...(at ? { line: at.line, column: at.column } : {}),
      ...(f.id ? { elementId: f.id } : {}),
      ...(f.name ? { elementName: f.name } : {}),
      rule: f.rule,
      severity: f.category === 'error' ? 'error' : 'warning',
      message: f.message,
      ...(f.code ? { code: f.code } : {}),
      ...(f.params ? { params: f.params } : {}),
    });
  }
  if (options.soundness !== false) {
    let processes: ProcessDefinition[];
    try {
      processes = compile(parsed.definitions, { locate: parsed.locate }).processes;
    } catch (error) {
      // Not executable: the `executable` rule has reported why; soundness needs a compiled process.
      if (error instanceof SopflowError) processes = [];
      else throw error;
    }
    for (const definition of processes) {
      const report = checkSoundness(definition, options.maxStates !== undefined ? { maxStates: options.maxStates } : {});
      for (const f of report.findings) {
        const at = parsed.locate(f.elementId);
        problems.push({
          file: shown,
          ...(at ? { line: at.line, column: at.column } : {}),
          elementId: f.elementId,
          ...(f.elementName ? { elementName: f.elementName } : {}),
          rule: `sopflow/soundness/${f.kind}`,
          severity: f.kind === 'state-space-bound' ? 'warning' : 'error',
          message: f.message,
          code: f.code,
          params: f.params,
          counterexample: f.counterexample,
        });
      }
    }
  }
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
