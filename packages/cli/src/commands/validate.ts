import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseCalendarFile, SopflowError } from '@sopflow/engine';
import { VERSION } from '../version.js';
import { expandFiles } from '../expandFiles.js';
import type { Language } from '@sopflow/i18n';
import { cliTranslator } from '../i18n.js';
import { CliError, EXIT, type Io } from '../io.js';
import { github, json, junit, sarif, stylish, type FileResult } from '../validate/formats.js';
import { loadLintConfig } from '../validate/lintConfig.js';
import { validateFile } from '../validate/validateFile.js';

export const VALIDATE_HELP = `sopflow validate — lint and soundness-check BPMN diagrams (for CI)

Usage: sopflow validate <files, folders or globs…> [options]

  --format       stylish (default), json, junit, sarif, github
  --out FILE     write the report to a file (the summary still goes to stderr)
  --config FILE  bpmnlint configuration (default: .bpmnlintrc in the current
                 folder, else bpmnlint:recommended + plugin:sopflow/recommended)
  --calendars F  calendars file (default: calendars.json|yaml|yml next to each
                 diagram or in a parent folder)
  --external N   a message name that comes from outside (repeatable)
  --no-soundness skip the state-space exploration
  --max-states N bound of the soundness exploration (default 100000)
  --lang L       en (default) or zh-CN: the language of stylish output and of
                 the translation json and sarif add (default: SOPFLOW_LANG)

Exit codes: 0 no errors, 1 problems at error level, 2 usage or I/O errors.
`;

const CALENDAR_FILES = ['calendars.json', 'calendars.yaml', 'calendars.yml'];

/** The calendars file next to a diagram or in a parent folder up to the working directory. */
function findCalendars(file: string, cwd: string): string | undefined {
  const root = resolve(cwd);
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    for (const name of CALENDAR_FILES) if (existsSync(join(dir, name))) return join(dir, name);
    if (dir === root || dir === dirname(dir) || !dir.startsWith(root)) return undefined;
  }
}

/** `sopflow validate`: lint with bpmnlint and sopflow's rules, check soundness, report for people and CI. */
export async function validateCommand(args: string[], io: Io, lang: Language = 'en'): Promise<number> {
  const t = cliTranslator(lang);
  const { values, positionals } = parseArgs({
    args,
    options: {
      format: { type: 'string', default: 'stylish' },
      out: { type: 'string' },
      config: { type: 'string' },
      calendars: { type: 'string' },
      external: { type: 'string', multiple: true },
      'no-soundness': { type: 'boolean' },
      'max-states': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    io.stdout(VALIDATE_HELP);
    return EXIT.ok;
  }
  const format = values.format!;
  if (!['stylish', 'json', 'junit', 'sarif', 'github'].includes(format)) throw new CliError(`--format '${format}': expected stylish, json, junit, sarif or github.`);
  if (!positionals.length) throw new CliError(`Name the diagrams to check, e.g. sopflow validate 'diagrams/**/*.bpmn'.\n\n${VALIDATE_HELP}`);
  const maxStates = values['max-states'] !== undefined ? Number(values['max-states']) : undefined;
  if (maxStates !== undefined && (!Number.isInteger(maxStates) || maxStates < 1)) throw new CliError(`--max-states '${values['max-states']}': expected a whole number ≥ 1.`);
  const { config, resolver } = await loadLintConfig(values.config, io.cwd);
  const files = await expandFiles(positionals, io.cwd, ['**/*.bpmn']);
  if (!files.length) throw new CliError('No .bpmn files found.');
  const calendarCache = new Map<string, string[]>();
  const calendarsFor = async (file: string): Promise<string[]> => {
    const path = values.calendars ? resolve(io.cwd, values.calendars) : findCalendars(file, io.cwd);
    if (!path) return [];
    let names = calendarCache.get(path);
    if (!names) {
      try {
        names = parseCalendarFile(await readFile(path, 'utf8'), path).map((c) => c.name);
      } catch (error) {
        if (error instanceof SopflowError) throw new CliError(error.message);
        throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
      }
      calendarCache.set(path, names);
    }
    return names;
  };
  const results: FileResult[] = [];
  for (const file of files) {
    const shown = relative(io.cwd, file) || file;
    let problems;
    try {
      problems = await validateFile(file, shown, {
        config,
        resolver,
        calendars: await calendarsFor(file),
        external: values.external ?? [],
        soundness: !values['no-soundness'],
        ...(maxStates !== undefined ? { maxStates } : {}),
      });
    } catch (error) {
      if (error instanceof CliError) throw error;
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new CliError(`Cannot read ${shown}: ${(error as Error).message}`);
      throw error;
    }
    results.push({ file: shown, problems });
  }
  const text = format === 'json' ? json(results, t) : format === 'junit' ? junit(results) : format === 'sarif' ? sarif(results, VERSION, t) : format === 'github' ? github(results) : stylish(results, t);
  if (values.out) {
    await writeFile(resolve(io.cwd, values.out), text);
    io.stderr(stylish(results, t).split('\n').filter(Boolean).at(-1) + '\n');
  } else {
    io.stdout(text);
  }
  return results.some((r) => r.problems.some((p) => p.severity === 'error')) ? EXIT.problems : EXIT.ok;
}
