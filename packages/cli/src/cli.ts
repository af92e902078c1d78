import { SopflowError } from '@sopflow/engine';
import { auditCommand, AUDIT_HELP } from './commands/audit.js';
import { reportCommand, REPORT_HELP } from './commands/report.js';
import { testCommand, TEST_HELP } from './commands/test.js';
import { takeLanguage } from './i18n.js';
import { CliError, EXIT, type Io } from './io.js';
import type { Language } from '@sopflow/i18n';

import { VERSION } from './version.js';
import { validateCommand, VALIDATE_HELP } from './commands/validate.js';
import { modelerCommand, MODELER_HELP } from './commands/modeler.js';
import { startCommand, START_HELP } from './commands/start.js';

export { VERSION };

/** A command; one that speaks two languages is run with the language of its human output (`--lang`, `SOPFLOW_LANG`). */
type Command = { help: string; summary: string } & ({ run: (args: string[], io: Io) => Promise<number> } | { runIn: (args: string[], io: Io, lang: Language) => Promise<number> });

const COMMANDS: Record<string, Command> = {
  start: { run: startCommand, help: START_HELP, summary: 'the workbench: model, run and monitor SOPs in the browser on a local store' },
  modeler: { run: modelerCommand, help: MODELER_HELP, summary: 'draw, check and simulate SOP diagrams in the browser (local server)' },
  validate: { runIn: validateCommand, help: VALIDATE_HELP, summary: 'lint and soundness-check diagrams (stylish, json, junit, sarif, github)' },
  test: { runIn: testCommand, help: TEST_HELP, summary: 'run scenario files against their diagrams under virtual time' },
  report: { runIn: reportCommand, help: REPORT_HELP, summary: 'KPI report (table, json, csv, html)' },
  audit: { runIn: auditCommand, help: AUDIT_HELP, summary: 'verify or export the audit trail (jsonl, csv, xes)' },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return `sopflow ${VERSION} — run standard operating procedures drawn as BPMN

Usage: sopflow <command> [options]

${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
  .join('\n')}

sopflow <command> --help shows a command's options.
validate, test, report and audit print in English unless --lang zh-CN (or
SOPFLOW_LANG=zh-CN) asks for Simplified Chinese; see docs/i18n.md.
`;
}

/**
 * Runs the sopflow command line. Returns the exit code: 0 clean, 1 problems
 * found, 2 usage or I/O errors. Never throws for expected failures.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined;
    io.stdout(topic && COMMANDS[topic] ? COMMANDS[topic].help : usage());
    return name ? EXIT.ok : EXIT.usage;
  }
  if (name === '--version' || name === '-v') {
    io.stdout(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`Unknown command '${name}'.\n\n${usage()}`);
    return EXIT.usage;
  }
  try {
    if ('run' in command) return await command.run(args, io);
    const chosen = takeLanguage(args, io.env);
    return await command.runIn(chosen.args, io, chosen.lang);
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr(`sopflow ${name}: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof SopflowError) {
      io.stderr(`sopflow ${name}: ${error.message}\n`);
      return EXIT.usage;
    }
    // parseArgs reports unknown options and missing values with ERR_PARSE_ARGS_* codes.
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`sopflow ${name}: ${(error as Error).message}\n\n${command.help}`);
      return EXIT.usage;
    }
    throw error;
  }
}
