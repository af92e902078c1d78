/**
 * The command line's language: English unless `--lang zh-CN` (or
 * `SOPFLOW_LANG=zh-CN`) asks for Simplified Chinese; its own texts side by
 * side in both languages; a translator holding them with the shared
 * catalogs (coded messages, durations, dates). Pure.
 */
import { CATALOGS, LANGUAGES, matchLanguage, parseLanguage, split, Translator, type Language, type Pair } from '@sopflow/i18n';
import { CliError } from './io.js';

/** The CLI's texts: `[English, 简体中文]`. The English ones are what the commands printed before they spoke two languages. */
const CLI = {
  'cli.validate.error': ['error', '错误'],
  'cli.validate.warning': ['warning', '警告'],
  'cli.validate.counterexample': ['counterexample: {path}', '反例路径：{path}'],
  'cli.validate.summary': [
    '✖ {total, plural, one {# problem} other {# problems}} ({errors, plural, one {# error} other {# errors}}, {warnings, plural, one {# warning} other {# warnings}}) in {files, plural, one {# file} other {# files}}',
    '✖ {files} 个文件中共有 {total} 个问题（{errors} 个错误，{warnings} 个警告）',
  ],
  'cli.validate.clean': ['✓ {files, plural, one {# file} other {# files}} checked, no problems', '✓ 已检查 {files} 个文件，没有发现问题'],
  'cli.test.passed': ['✓ {file}  {name} ({steps} steps, {ms} ms)', '✓ {file}  {name}（{steps} 步，用时 {ms} 毫秒）'],
  'cli.test.failed': ['✗ {file}  {name}', '✗ {file}  {name}'],
  'cli.test.step': ['step {step}{line, select, none {} other { (line {line})}}: {message}', '第 {step} 步{line, select, none {} other {（第 {line} 行）}}：{message}'],
  'cli.test.summary': ['Scenarios: {passed} passed, {failed} failed, {total} total', '场景：{passed} 个通过，{failed} 个失败，共 {total} 个'],
  'cli.audit.verified': ['✓ {count} audit chain(s) verified', '✓ 已验证 {count} 条审计链，全部完好'],
  'cli.audit.broken': ['{broken} of {count} chain(s) broken', '{count} 条审计链中有 {broken} 条已损坏'],
  'cli.audit.problem': ['✗ {instance} #{seq} {kind}: {message}', '✗ {instance} #{seq} {kind}：{message}'],
  'cli.audit.kind.edited': ['edited', '被修改'],
  'cli.audit.kind.missing': ['missing', '缺失'],
  'cli.audit.kind.reordered': ['reordered', '顺序错乱'],
  'cli.audit.kind.broken-link': ['broken-link', '链接断开'],
  'cli.audit.kind.truncated': ['truncated', '被截断'],
  'cli.audit.why.edited': ['Event #{seq} does not match its hash: it was edited.', '第 {seq} 个事件与其哈希值不符：它被修改过。'],
  'cli.audit.why.missing': ['Event #{seq} is missing.', '第 {seq} 个事件缺失。'],
  'cli.audit.why.reordered': ['Event #{seq} is out of order.', '第 {seq} 个事件的顺序不对。'],
  'cli.audit.why.broken-link': ['Event #{seq} does not link to the event before it: an event before it was replaced.', '第 {seq} 个事件没有链接到前一个事件：它之前的某个事件被替换过。'],
  'cli.audit.why.truncated': ['The trail was truncated before event #{seq}.', '审计记录在第 {seq} 个事件之前被截断。'],
  'cli.report.title': [
    'KPI report{process, select, none {} other { for {process}}}, {from} – {to}{zone, select, none {} other { ({zone})}}',
    'KPI 报表{process, select, none {} other {（{process}）}}，{from} – {to}{zone, select, none {} other {（{zone}）}}',
  ],
  'cli.report.beginning': ['the beginning', '最早'],
  'cli.report.now': ['now', '现在'],
  'cli.report.scope.process': ['process', '流程'],
  'cli.report.scope.node': ['node', '节点'],
  'cli.report.scope.department': ['department', '部门'],
  'cli.report.column.executions': ['executions', '执行次数'],
  'cli.report.column.median': ['median', '中位时长'],
  'cli.report.column.p90': ['p90', 'P90 时长'],
  'cli.report.column.max': ['max', '最长时长'],
  'cli.report.column.sla-met': ['SLA met', 'SLA 达成'],
  'cli.report.column.compliance': ['compliance', '达成率'],
  'cli.report.column.reminders': ['reminders', '提醒'],
  'cli.report.column.escalations': ['escalations', '升级'],
  'cli.report.column.reopens': ['re-opens', '重开'],
  'cli.report.column.overdue': ['overdue', '超期'],
  'cli.report.process': [
    '  {process}: {started} started, {completed} completed, {cancelled} cancelled, {running} running; case time median {median}, p90 {p90}; case SLA {compliance}',
    '  {process}：发起 {started} 个，完成 {completed} 个，取消 {cancelled} 个，进行中 {running} 个；流程实例时长中位数 {median}，P90 {p90}；流程实例 SLA 达成率 {compliance}',
  ],
  'cli.report.html.title': ['KPI report{process, select, none {} other { — {process}}}', 'KPI 报表{process, select, none {} other { — {process}}}'],
  'cli.report.html.period': ['{from} – {to} ({zone})', '{from} – {to}（{zone}）'],
  'cli.report.html.generated': [' · generated {at}', ' · 生成于 {at}'],
  'cli.report.html.instances': [
    '{started} started · {completed} completed · {cancelled} cancelled · {running} running',
    '发起 {started} 个 · 完成 {completed} 个 · 取消 {cancelled} 个 · 进行中 {running} 个',
  ],
  'cli.report.html.compliance': [
    'Step SLA compliance <strong>{step}</strong> · case SLA compliance <strong>{case}</strong> · case time median {median}, p90 {p90}',
    '步骤 SLA 达成率 <strong>{step}</strong> · 流程实例 SLA 达成率 <strong>{case}</strong> · 流程实例时长中位数 {median}，P90 {p90}',
  ],
  'cli.report.html.compliance-of': ['{compliance} of {total}', '{total} 个中达成 {compliance}'],
  'cli.report.html.chart.compliance': ['SLA compliance per department', '各部门 SLA 达成率'],
  'cli.report.html.chart.overdue': ['Overdue steps per department (counted against the department)', '各部门超期步骤数（计入该部门）'],
  'cli.report.html.chart.cycle': ['Cycle time per step: median to 90th percentile (bar), maximum (dot)', '各步骤处理时长：中位数到 90 百分位（条形），最长（圆点）'],
  'cli.report.html.chart.cycle-label': ['Cycle time per step', '各步骤处理时长'],
  'cli.report.html.steps': ['Steps', '步骤'],
  'cli.report.html.departments': ['Departments', '部门'],
  'cli.report.html.column.step': ['Step', '步骤'],
  'cli.report.html.column.department': ['Department', '部门'],
  'cli.wrote': ['Wrote {path}', '已写入 {path}'],
} as const satisfies Record<string, Pair>;

const pairs = split(CLI);
const catalogs: Record<Language, Record<string, string>> = {
  en: { ...CATALOGS.en, ...pairs.en },
  'zh-CN': { ...CATALOGS['zh-CN'], ...pairs['zh-CN'] },
};
const translators = new Map<Language, Translator>();

/** The id of one of the CLI's texts. */
export type CliMessageId = keyof typeof CLI;

/** The CLI's translator of `lang`: its own texts, coded messages, durations and dates. Pure. */
export function cliTranslator(lang: Language): Translator {
  let t = translators.get(lang);
  if (!t) translators.set(lang, (t = new Translator(lang, catalogs)));
  return t;
}

/**
 * The language a command speaks: `--lang` when given (exactly `en` or
 * `zh-CN`; `zh` and `zh_CN` are accepted too), else `SOPFLOW_LANG` (read
 * leniently: `zh-Hans`, `zh_CN.UTF-8`… mean Chinese; anything else
 * English), else English. The system locale (`LANG`) is not consulted:
 * output CI parses stays English unless asked. Pure.
 *
 * @throws CliError for a `--lang` sopflow does not speak.
 */
export function cliLanguage(flag: string | undefined, env: Record<string, string | undefined>): Language {
  if (flag !== undefined) {
    const lang = parseLanguage(flag);
    if (!lang) throw new CliError(`--lang '${flag}': expected ${LANGUAGES.join(' or ')}.`);
    return lang;
  }
  return matchLanguage(env.SOPFLOW_LANG?.split('.')[0]) ?? 'en';
}

/**
 * Takes `--lang X` / `--lang=X` out of a command's arguments (it is valid
 * for every command) and returns the language with the rest. Pure.
 *
 * @throws CliError for `--lang` without a value or with one sopflow does not speak.
 */
export function takeLanguage(args: readonly string[], env: Record<string, string | undefined>): { lang: Language; args: string[] } {
  const rest: string[] = [];
  let flag: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--') {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === '--lang') {
      if (i + 1 >= args.length || args[i + 1].startsWith('-')) throw new CliError("--lang needs a value: en or zh-CN.");
      flag = args[++i];
    } else if (arg.startsWith('--lang=')) flag = arg.slice('--lang='.length);
    else rest.push(arg);
  }
  return { lang: cliLanguage(flag, env), args: rest };
}

/** Display width in a terminal: CJK characters take two columns. Pure. */
export function displayWidth(text: string): number {
  let w = 0;
  for (const ch of text) w += /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/.test(ch) ? 2 : 1;
  return w;
}

/** `text` padded with spaces to `width` terminal columns (on the left when `right`). Pure. */
export function padTo(text: string, width: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}
