import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReportTable, parseDateTime, reportToCsv, reportToHtml, type ReportGrouping, type ReportQuery } from '@sopflow/engine';
import type { Language } from '@sopflow/i18n';
import { reportWording } from '../format/reportTable.js';
import { cliTranslator } from '../i18n.js';
import { CliError, EXIT, type Io } from '../io.js';
import { openStore } from '../openStore.js';

export const REPORT_HELP = `sopflow report — KPI report from the audit data

Usage: sopflow report [--store URL] [--process ID] [--from DATE] [--to DATE]
                      [--group-by LIST] [--tz ZONE] [--format table|json|csv|html]
                      [--out FILE]

  --store    sqlite:<file> (default ./sopflow.db) or postgres://…[?schema=NAME]
  --process  one process id (default: all)
  --from/--to  period [from, to): 2026-11-01 or 2026-11-01T09:00+08:00
  --group-by which groupings: process, node, department, comma-separated
             (default: all three)
  --tz       zone for dates without an offset (default UTC)
  --format   table (default), json, csv (UTF-8 with BOM), html (a page with charts)
  --out      write to a file instead of standard output (html: default report.html)
  --lang     en (default) or zh-CN: the language of the table and the html page
             (headings, durations, dates; default: SOPFLOW_LANG); json and csv
             are data and stay as they are
`;

/** `--group-by process,node`: the groupings, each known. */
function groupings(text: string): ReportGrouping[] {
  const names = text.split(',').map((g) => g.trim()).filter(Boolean);
  const wrong = names.filter((g) => g !== 'process' && g !== 'node' && g !== 'department');
  if (!names.length || wrong.length) throw new CliError(`--group-by '${text}': expected process, node and/or department, comma-separated.`);
  return names as ReportGrouping[];
}

/** `sopflow report`: per process, node and department — cycle times, SLA compliance, reminders, escalations, re-opens, overdue steps. */
export async function reportCommand(args: string[], io: Io, lang: Language = 'en'): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      store: { type: 'string' },
      process: { type: 'string' },
      'group-by': { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      tz: { type: 'string' },
      format: { type: 'string', default: 'table' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    io.stdout(REPORT_HELP);
    return EXIT.ok;
  }
  const format = values.format!;
  if (!['table', 'json', 'csv', 'html'].includes(format)) throw new CliError(`--format '${format}': expected table, json, csv or html.`);
  const zone = values.tz ?? 'UTC';
  const instant = (text: string | undefined, flag: string): number | undefined => {
    if (text === undefined) return undefined;
    try {
      return parseDateTime(/^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00` : text, zone);
    } catch (error) {
      throw new CliError(`${flag} '${text}': ${(error as Error).message}`);
    }
  };
  const query: ReportQuery = {
    ...(values.process ? { processId: values.process } : {}),
    ...(values['group-by'] !== undefined ? { groupBy: groupings(values['group-by']) } : {}),
    ...(values.from ? { from: instant(values.from, '--from') } : {}),
    ...(values.to ? { to: instant(values.to, '--to') } : {}),
  };
  const { store } = await openStore(values.store ?? io.env.SOPFLOW_STORE, io.cwd, { mustExist: true });
  try {
    // Through the engine, on the wall clock: a period without --to (or ending later) ends now, so an open step is overdue only once past due.
    const { createEngine, WallClock } = await import('@sopflow/engine');
    const engine = createEngine({ store, clock: new WallClock(), scheduler: false });
    const report = await engine.report(query).finally(() => engine.close());
    const wording = lang === 'en' ? undefined : reportWording(cliTranslator(lang), zone);
    const shown =
      format === 'json'
        ? `${JSON.stringify(report, null, 2)}\n`
        : format === 'csv'
          ? reportToCsv(report)
          : format === 'html'
            ? reportToHtml(report, { generatedAt: Date.now(), timeZone: zone, ...(wording ? { wording } : {}) })
            : formatReportTable(report, { timeZone: zone, ...(wording ? { wording } : {}) });
    const out = values.out ?? (format === 'html' ? 'report.html' : undefined);
    if (out) {
      const path = resolve(io.cwd, out);
      await writeFile(path, shown);
      io.stderr(`${cliTranslator(lang).t('cli.wrote', { path })}\n`);
    } else {
      io.stdout(shown);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
