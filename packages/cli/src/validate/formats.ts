/**
 * `sopflow validate` output formats: stylish (people), json, junit (CI test
 * reports), sarif (code scanning), github (workflow annotations). Pure.
 *
 * Only stylish speaks the chosen language. The machine formats keep the
 * stable `code` and the English `message`; json and sarif add the message
 * in the chosen language beside it (`translation`) when it is not English.
 */
import { problemRef, type Params } from '@sopflow/i18n';
import { junitXml } from '../format/junit.js';
import { cliTranslator, displayWidth, padTo } from '../i18n.js';
import type { Translator } from '@sopflow/i18n';

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
  /** In English, as the producer wrote it. */
  message: string;
  /** Stable message id (`bpmn.duplicate-id`, `sla-valid.unknown-calendar`, `soundness.deadlock`…); absent for a finding of a rule that gives none. */
  code?: string;
  /** The values the message is built from (see docs/i18n.md). */
  params?: Params;
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

/** The message of `p` in `t`'s language (its English when it has no code or no translation). Pure. */
export function messageIn(p: ValidationProblem, t: Translator): string {
  return t.lang === 'en' ? p.message : t.message(problemRef(p));
}

/** ESLint-style text, grouped by file, with a summary line, in `t`'s language (default English). */
export function stylish(results: FileResult[], t: Translator = cliTranslator('en')): string {
  const out: string[] = [];
  let errors = 0;
  let warnings = 0;
  const label = { error: t.t('cli.validate.error'), warning: t.t('cli.validate.warning') };
  const labelWidth = Math.max(displayWidth(label.error), displayWidth(label.warning));
  for (const r of results) {
    if (!r.problems.length) continue;
    out.push('', r.file);
    const w = Math.max(...r.problems.map((p) => where(p).length), 3);
    for (const p of r.problems) {
      if (p.severity === 'error') errors++;
      else warnings++;
      out.push(`  ${where(p).padEnd(w)}  ${padTo(label[p.severity], labelWidth)}  ${subject(p)}${messageIn(p, t)}  ${p.rule}`);
      if (p.counterexample?.length) out.push(`  ${' '.repeat(w)}  ${' '.repeat(labelWidth)}  ${t.t('cli.validate.counterexample', { path: p.counterexample.join(' → ') })}`);
    }
  }
  const total = errors + warnings;
  out.push('', total ? t.t('cli.validate.summary', { total, errors, warnings, files: results.length }) : t.t('cli.validate.clean', { files: results.length }));
  return `${out.join('\n').replace(/^\n/, '')}\n`;
}

/** The results as JSON: each problem with `code`, `params` and its English `message`, and `translation` (the message in `t`'s language) when that is not English. */
export function json(results: FileResult[], t: Translator = cliTranslator('en')): string {
  const shown = t.lang === 'en' ? results : results.map((r) => ({ ...r, problems: r.problems.map((p) => ({ ...p, translation: { lang: t.lang, message: messageIn(p, t) } })) }));
  return `${JSON.stringify(shown, null, 2)}\n`;
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

/** SARIF 2.1.0, for code-scanning (GitHub, GitLab, Azure DevOps); `properties` hold the message id, its params and (not in English) the translation. */
export function sarif(results: FileResult[], version: string, t: Translator = cliTranslator('en')): string {
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
            ...(p.code
              ? { properties: { code: p.code, ...(p.params ? { params: p.params } : {}), ...(t.lang !== 'en' ? { translation: { lang: t.lang, message: `${subject(p)}${messageIn(p, t)}` } } : {}) } }
              : {}),
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
