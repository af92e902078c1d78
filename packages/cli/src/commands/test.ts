import { writeFile } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { expandFiles } from '../expandFiles.js';
import { junitXml } from '../format/junit.js';
import type { Language } from '@sopflow/i18n';
import { cliTranslator } from '../i18n.js';
import { CliError, EXIT, type Io } from '../io.js';
import { loadScenario, ScenarioFileError } from '../scenario/loadScenario.js';
import { runScenario, type ScenarioResult } from '../scenario/runScenario.js';

export const TEST_HELP = `sopflow test — run scenario files against their diagrams under virtual time

Usage: sopflow test [files or globs…] [--format stylish|junit] [--out FILE]

  files      scenario files (default: **/*.scenario.yaml under the current folder)
  --format   stylish (default) or junit (for CI test reports)
  --out      write the report to a file (junit) — the summary still goes to stdout
  --lang     en (default) or zh-CN: the language of stylish output and the
             summary (default: SOPFLOW_LANG); junit stays English

Exit codes: 0 all passed, 1 a scenario failed, 2 a scenario file is invalid or unreadable.
Schema: schemas/scenario.schema.json in @sopflow/cli.
`;

/** `sopflow test`: scenario tests of SOP diagrams under virtual time. */
export async function testCommand(args: string[], io: Io, lang: Language = 'en'): Promise<number> {
  const t = cliTranslator(lang);
  const { values, positionals } = parseArgs({
    args,
    options: { format: { type: 'string', default: 'stylish' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(TEST_HELP);
    return EXIT.ok;
  }
  if (!['stylish', 'junit'].includes(values.format!)) throw new CliError(`--format '${values.format}': expected stylish or junit.`);
  const files = await expandFiles(positionals, io.cwd, ['**/*.scenario.yaml', '**/*.scenario.yml']);
  if (!files.length) throw new CliError('No scenario files found (**/*.scenario.yaml).');
  const results: ScenarioResult[] = [];
  let invalid = 0;
  for (const file of files) {
    const shown = relative(io.cwd, file) || file;
    try {
      const loaded = await loadScenario(file);
      const result = await runScenario({ ...loaded, file: shown });
      results.push(result);
      if (values.format === 'stylish') {
        // Numbers as written (no digit grouping), as before the CLI spoke two languages.
        const failure = result.failure;
        io.stdout(
          result.passed
            ? `${t.t('cli.test.passed', { file: shown, name: result.name, steps: String(result.steps), ms: String(result.durationMs) })}\n`
            : `${t.t('cli.test.failed', { file: shown, name: result.name })}\n    ${t.t('cli.test.step', { step: String(failure!.step), line: failure!.line ? String(failure!.line) : 'none', message: failure!.message })}\n`,
        );
      }
    } catch (error) {
      if (!(error instanceof ScenarioFileError)) throw error;
      invalid += 1;
      io.stderr(`${error.problems.map((p) => `${shown}${p.line ? `:${p.line}:${p.column}` : ''} ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n')}\n`);
      results.push({ file: shown, name: 'invalid scenario file', passed: false, steps: 0, durationMs: 0, failure: { step: 0, message: error.message } });
    }
  }
  const failed = results.filter((r) => !r.passed).length;
  if (values.format === 'junit') {
    const xml = junitXml(
      'sopflow scenarios',
      results.map((r) => ({
        name: r.name,
        classname: r.file,
        timeMs: r.durationMs,
        ...(r.failure ? { failure: { message: r.failure.message, type: 'ScenarioFailure', detail: `step ${r.failure.step}${r.failure.line ? ` (line ${r.failure.line})` : ''}: ${r.failure.message}` } } : {}),
      })),
    );
    if (values.out) await writeFile(resolve(io.cwd, values.out), xml);
    else io.stdout(xml);
  }
  const summary = `${t.t('cli.test.summary', { passed: String(results.length - failed), failed: String(failed), total: String(results.length) })}\n`;
  if (values.format === 'junit' && !values.out) io.stderr(summary);
  else io.stdout(summary);
  if (invalid) return EXIT.usage;
  return failed ? EXIT.problems : EXIT.ok;
}
