/**
 * `sopflow validate` output formats: stylish (people), json, junit (CI test
 * reports), sarif (code scanning), github (workflow annotations). Pure.
 */
import { junitXml } from '../format/junit.js';

export interface ValidationProblem {
  /** Path as shown (relative to the working directory). */
  file: string;
  line?: number;
  column?: number;
  elementId?: string;
  elementName?: string;
  /** `parse`, `bpmnlint/<rule>`, `sopflow/<rule>`, `sopflow/soundness/<kind>`. */
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  /** Soundness findings: the sequence flows that lead to the problem. */
  counterexample?: string[];
}

export interface FileResult {
  file: string;
  problems: ValidationProblem[];
}

function where(p: ValidationProblem): string {
  return p.line !== undefined ? `${p.line}:${p.column ?? 1}` : '';
}

function subject(p: ValidationProblem): string {
  if (!p.elementId) return '';
  return p.elementName ? `<${p.elementId}> '${p.elementName}' ` : `<${p.elementId}> `;
}

/** ESLint-style text, grouped by file, with a summary line. */
export function stylish(results: FileResult[]): string {
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  for (const r of results) {
    if (!r.problems.length) continue;
    out.push('', r.file);
    const w = Math.max(...r.problems.map((p) => where(p).length), 3);
    for (const p of r.problems) {
      if (p.severity === 'error') errors++;
      else warnings++;
      out.push(`  ${where(p).padEnd(w)}  ${p.severity === 'error' ? 'error  ' : 'warning'}  ${subject(p)}${p.message}  ${p.rule}`);
      if (p.counterexample?.length) out.push(`  ${' '.repeat(w)}  ${' '.repeat(7)}  counterexample: ${p.counterexample.join(' → ')}`);
    }
  }
  const total = errors + warnings;
  out.push('', total ? `✖ ${total} problem${total === 1 ? '' : 's'} (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}) in ${results.length} file${results.length === 1 ? '' : 's'}` : `✓ ${results.length} file${results.length === 1 ? '' : 's'} checked, no problems`);
  return `${out.join('\n').replace(/^\n/, '')}\n`;
}

export function json(results: FileResult[]): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}

/** One test case per file; a failure lists its errors (warnings do not fail). */
export function junit(results: FileResult[]): string {
  return junitXml(
    'sopflow validate',
    results.map((r) => {
      const errors = r.problems.filter((p) => p.severity === 'error');
      return {
        name: r.file,
        classname: 'sopflow.validate',
        timeMs: 0,
        ...(errors.length
          ? {
              failure: {
                message: `${errors.length} error(s)`,
                type: 'ValidationError',
                detail: errors.map((p) => `${r.file}${p.line !== undefined ? `:${where(p)}` : ''} ${subject(p)}${p.message} (${p.rule})${p.counterexample?.length ? ` — counterexample: ${p.counterexample.join(' → ')}` : ''}`).join('\n'),
              },
            }
          : {}),
      };
    }),
  );
}

/** SARIF 2.1.0, for code-scanning (GitHub, GitLab, Azure DevOps). */
export function sarif(results: FileResult[], version: string): string {
  const rules = [...new Set(results.flatMap((r) => r.problems.map((p) => p.rule)))].sort();
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sopflow',
            version,
            informationUri: 'https://sopflow.dev/docs/rules',
            rules: rules.map((id) => ({ id, shortDescription: { text: id } })),
          },
        },
        results: results.flatMap((r) =>
          r.problems.map((p) => ({
            ruleId: p.rule,
            ruleIndex: rules.indexOf(p.rule),
            level: p.severity === 'error' ? 'error' : 'warning',
            message: { text: `${subject(p)}${p.message}${p.counterexample?.length ? ` (counterexample: ${p.counterexample.join(' → ')})` : ''}` },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: r.file.split('\\').join('/') },
                  ...(p.line !== undefined ? { region: { startLine: p.line, startColumn: p.column ?? 1 } } : {}),
                },
                ...(p.elementId ? { logicalLocations: [{ name: p.elementId, kind: 'element' }] } : {}),
              },
            ],
          })),
        ),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: each problem an annotation on its line. */
export function github(results: FileResult[]): string {
  return results
    .flatMap((r) =>
      r.problems.map((p) => {
        const props = [`file=${escapeProperty(r.file)}`, ...(p.line !== undefined ? [`line=${p.line}`, `col=${p.column ?? 1}`] : []), `title=${escapeProperty(p.rule)}`];
        return `::${p.severity === 'error' ? 'error' : 'warning'} ${props.join(',')}::${escapeData(`${subject(p)}${p.message}${p.counterexample?.length ? ` — counterexample: ${p.counterexample.join(' → ')}` : ''}`)}`;
      }),
    )
    .join('\n')
    .concat(results.some((r) => r.problems.length) ? '\n' : '');
}
