import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Language } from '@sopflow/i18n';
import { cliTranslator } from '../i18n.js';
import { CliError, EXIT, type Io } from '../io.js';
import { openStore } from '../openStore.js';

export const AUDIT_HELP = `sopflow audit — verify or export the audit trail

Usage: sopflow audit verify [--store URL] [--instance ID]
       sopflow audit export [--store URL] [--format jsonl|csv|xes]
                            [--instance ID] [--process ID] [--out FILE]

  verify   checks every hash chain (or one instance's); exit 1 names the first
           edited, missing, reordered or truncated event of each broken chain
  export   jsonl (default) and csv: audit events; xes: the activity log for
           process-mining tools (IEEE 1849); csv is UTF-8 with a byte order mark
  --lang   en (default) or zh-CN: the language of verify's output (default:
           SOPFLOW_LANG); exports are data and do not change
`;

/** `sopflow audit verify|export`. */
export async function auditCommand(args: string[], io: Io, lang: Language = 'en'): Promise<number> {
  const t = cliTranslator(lang);
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(AUDIT_HELP);
    return sub ? EXIT.ok : EXIT.usage;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      store: { type: 'string' },
      instance: { type: 'string' },
      process: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
      out: { type: 'string' },
    },
    strict: true,
  });
  if (sub !== 'verify' && sub !== 'export') throw new CliError(`Unknown audit command '${sub}'. Use verify or export.`);
  const { store } = await openStore(values.store ?? io.env.SOPFLOW_STORE, io.cwd, { mustExist: true });
  // Reading and verifying need no clock or scheduler: an engine over the store, scheduler off.
  const { createEngine, WallClock, sha256Hex } = await import('@sopflow/engine');
  const engine = createEngine({ store, clock: new WallClock(), scheduler: false, hash: sha256Hex });
  try {
    if (sub === 'verify') {
      const result = await engine.audit.verify(values.instance);
      for (const p of result.problems) {
        // English keeps the engine's own wording (with the event types); Chinese says the same per kind.
        const why = lang === 'en' ? p.message : t.t(`cli.audit.why.${p.kind}`, { seq: String(p.seq) });
        io.stdout(`${t.t('cli.audit.problem', { instance: p.instanceId, seq: String(p.seq), kind: t.t(`cli.audit.kind.${p.kind}`), message: why })}\n`);
      }
      io.stdout(`${result.ok ? t.t('cli.audit.verified', { count: String(result.checked) }) : t.t('cli.audit.broken', { broken: String(result.problems.length), count: String(result.checked) })}\n`);
      return result.ok ? EXIT.ok : EXIT.problems;
    }
    const format = values.format!;
    if (!['jsonl', 'csv', 'xes'].includes(format)) throw new CliError(`--format '${format}': expected jsonl, csv or xes.`);
    const chunks =
      format === 'xes'
        ? engine.export.xes(values.process ? { processId: values.process } : {})
        : engine.export.audit({
            format: format as 'jsonl' | 'csv',
            query: { ...(values.instance ? { instanceId: values.instance } : {}), ...(values.process ? { processId: values.process } : {}) },
          });
    if (values.out) {
      const path = resolve(io.cwd, values.out);
      const file = createWriteStream(path);
      for await (const chunk of chunks) if (!file.write(chunk)) await new Promise<void>((r) => file.once('drain', () => r()));
      await new Promise<void>((done, fail) => file.end((error?: Error | null) => (error ? fail(error) : done())));
      io.stderr(`${t.t('cli.wrote', { path })}\n`);
    } else {
      for await (const chunk of chunks) await io.stdout(chunk);
    }
    return EXIT.ok;
  } finally {
    await engine.close();
    await store.close();
  }
}
