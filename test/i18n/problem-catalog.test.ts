/**
 * Every coded message sopflow shows an owner has a Simplified Chinese
 * template, and every template reads only parameters its producer supplies.
 *
 * Codes are collected two ways: by running the engine (parse, compile, SLA
 * check), the linter (sopflow's rules, bpmnlint's, at `all`) and the
 * soundness check over the shared corpus, the test fixtures and the
 * examples — real findings with real params, each rendered in Chinese with
 * a check for placeholders left unfilled (nested messages too); and by
 * reading the code literals out of the producers' sources, so a code the
 * diagrams never trigger still needs its template.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  BpmnParseError,
  BpmnValidationError,
  checkForm,
  checkSla,
  compile,
  createEngine,
  createModdle,
  parse,
  UnsupportedElementError,
  VirtualClock,
  type FieldDef,
  type SopflowError,
  type Problem,
  type ProcessDefinition,
} from '@sopflow/engine';
import { CATALOGS, errorRef, fieldProblemRef, formatTemplate, placeholders, problemRef, PROBLEM_MESSAGE_IDS, translator, type MessageRef, type ParamValue } from '@sopflow/i18n';
import { BUILTIN_RULES, checkSoundness, configs, lintDefinitions } from 'bpmnlint-plugin-sopflow';
import { describe, expect, it, vi } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
import { CORPUS, corpusAvailable } from '../support/corpus.js';

const ZH = CATALOGS['zh-CN'];

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    return statSync(path).isDirectory() ? files(path, pattern) : pattern.test(name) ? [path] : [];
  });
}

/** Where each code was seen (one example each) and every message seen, nested ones included. */
class Seen {
  readonly where = new Map<string, string>();
  readonly messages: Array<{ ref: MessageRef; where: string }> = [];

  add(ref: MessageRef, where: string): void {
    if (!ref.code) return;
    if (!this.where.has(ref.code)) this.where.set(ref.code, where);
    this.messages.push({ ref, where });
    const walk = (value: ParamValue): void => {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object' && typeof (value as MessageRef).code === 'string') this.add(value as MessageRef, where);
    };
    for (const value of Object.values(ref.params ?? {})) walk(value);
  }
}

const CALENDARS = ['office', 'cn-office', 'support', 'default'];

/**
 * Engine errors only a developer meets, left in English on purpose: the
 * summaries of errors whose problems are translated one by one (bpmn.parse,
 * bpmn.invalid), programming mistakes (bad options, unknown events, a
 * runaway unit), values that cannot be stored, store failures, time formats
 * (their messages are technical and name the value). Any other code of the
 * engine's API needs a Chinese template.
 */
const DEVELOPER_ONLY = [
  'bpmn.parse',
  'bpmn.invalid',
  'time.format',
  'variables.invalid',
  'job.lease',
  'call.unknown',
  'event.unknown',
  'unit.too-large',
  'actor.invalid',
  'store.full',
  'store.io',
  'store.connection-lost',
];

/** Every rule of bpmnlint and of sopflow; `executable` reports all compile problems (none left to the other rules). */
const EVERY_RULE = { extends: 'bpmnlint:all', rules: { ...configs.all.rules, 'sopflow/executable': 'error' } } as const;

function calendar() {
  return undefined;
}

async function collect(file: string, seen: Seen, label: string): Promise<void> {
  const xml = readFileSync(file);
  let definitions: unknown;
  let locate: ((id: string) => { line: number; column: number } | undefined) | undefined;
  try {
    const parsed = await parse(xml);
    definitions = parsed.definitions;
    locate = parsed.locate;
    for (const p of parsed.warnings) seen.add(problemRef(p), label);
  } catch (error) {
    if (!(error instanceof BpmnParseError)) throw error;
    for (const p of error.problems) seen.add(problemRef(p), label);
    try {
      definitions = (await createModdle().fromXML(xml.toString('utf8'))).rootElement;
    } catch {
      return;
    }
  }
  for (const f of await lintDefinitions(definitions as never, EVERY_RULE as never, { calendars: CALENDARS })) seen.add(problemRef(f), label);
  let processes: ProcessDefinition[] = [];
  try {
    const compiled = compile(definitions, locate ? { locate } : {});
    processes = compiled.processes;
    for (const p of compiled.warnings) seen.add(problemRef(p), label);
  } catch (error) {
    const problems: Problem[] = error instanceof UnsupportedElementError ? error.elements : error instanceof BpmnValidationError ? error.problems : [];
    if (!problems.length) throw error;
    for (const p of problems) seen.add(problemRef(p), label);
  }
  for (const definition of processes) {
    for (const p of checkSla(definition, { calendar, calendarNames: ['office'] })) seen.add(problemRef(p), label);
    for (const f of checkSoundness(definition, { maxStates: 5_000 }).findings) seen.add(problemRef(f), label);
  }
}

/** A form with a field in error of each kind (FormValidationError's `fields`). */
function formFindings(seen: Seen): void {
  const fields: FieldDef[] = [
    { name: 'reason', label: '驳回原因', type: 'string', required: true },
    { name: 'agree', type: 'boolean', required: true, checked: true },
    { name: 'note', type: 'string', requiredWhen: { feel: 'approved = false' } },
    { name: 'budget', type: 'number', min: 10, max: 100 },
    { name: 'amount', type: 'number', max: 100 },
    { name: 'channel', type: 'enum', values: ['email', 'phone'] },
    { name: 'title', type: 'string', minLength: 5 },
    { name: 'summary', type: 'string', maxLength: 3 },
    { name: 'postcode', type: 'string', pattern: '^[0-9]{6}$' },
    { name: 'mail', type: 'string', format: 'email' },
    { name: 'phone', type: 'string', format: 'phone' },
    { name: 'due', type: 'date' },
    { name: 'hidden', type: 'string', hiddenWhen: { feel: 'boom' } },
  ];
  const evaluate = (expr: { feel: string }) => {
    if (expr.feel === 'boom') throw new Error('cannot evaluate');
    return expr.feel === 'approved = false';
  };
  const submitted = { budget: 5, amount: 500, channel: 'fax', title: 'ab', summary: 'abcdef', postcode: 'x', mail: 'nope', phone: '12', due: 'soon' };
  for (const p of checkForm(fields, submitted, evaluate)) seen.add(fieldProblemRef(p), 'a form (checkForm)');
}

/** Code literals in the producers' sources, each with the text around it (where its params are written). */
function sourceCodes(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const add = (code: string, snippet: string) => found.set(code, [...(found.get(code) ?? []), snippet]);
  const around = (text: string, index: number) => text.slice(Math.max(0, index - 500), index + 900);
  const PREFIXES = 'xml|bpmn|input|expression|time|timer|sop|form|job|mapping|loop|sla|soundness|escalation-caught|exclusive-gateway-default|user-task-owner|message-thrown-or-external|sla-valid|feel-valid|lint';
  const literal = new RegExp(`'((?:${PREFIXES})\\.[a-z0-9][a-z0-9.-]*[a-z0-9])'`, 'g');
  const sources = [
    ...files(join(ROOT, 'packages/engine/src/parse'), /\.ts$/),
    ...files(join(ROOT, 'packages/engine/src/compile'), /\.ts$/),
    ...files(join(ROOT, 'packages/lint/src'), /\.ts$/),
  ];
  const compileCodes = new Set<string>();
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(literal)) {
      // Literals that are not codes of messages: a finding's kind names, option values.
      if (/^(?:bpmn|sop|time)\.(?:ts|js)$/.test(m[1])) continue;
      add(m[1], around(text, m.index));
      if (file.includes('/engine/src/compile/')) compileCodes.add(m[1]);
    }
    // Codes built from a variant: `sla-valid.rule-<kind>`, `soundness.dead-activity.<variant>`, `soundness.part.never-takes.<variant>`.
    for (const m of text.matchAll(/problem\('\w+', '([a-z-]+)'/g)) add(`sla-valid.rule-${m[1]}`, around(text, m.index));
    // (their common params are written where `dead` is defined and where the finding is added)
    const shared = text.includes('const dead =') ? `${around(text, text.indexOf('const dead ='))}\n${around(text, text.indexOf("set.add('dead-activity'"))}` : '';
    for (const m of text.matchAll(/dead\('([a-z-]+)'/g)) add(`soundness.dead-activity.${m[1]}`, `${around(text, m.index)}\n${shared}`);
    // `bpmn.unsupported`: written once in `notSupported`, whose callers give the variant and params.
    for (const m of text.matchAll(/this\.notSupported\(/g)) add('bpmn.unsupported', around(text, m.index));
    // Codes mapped from moddle's texts (DROPPED_CONTENT) get their params where the problem is built.
    if (text.includes('DROPPED_CONTENT')) {
      for (const m of text.matchAll(/\[\/.*\/s, '([a-z.-]+)'\]/g)) add(m[1], around(text, text.indexOf("variant: 'dropped'")));
    }
    for (const m of text.matchAll(/variant: '([a-z-]+)', first/g)) add(`soundness.part.never-takes.${m[1]}`, around(text, m.index));
    // `feel-valid.` / `sla-valid.` + an expression problem's kind (`feel.invalid` → `…invalid`).
    if (file.endsWith('expressions.ts')) {
      for (const m of text.matchAll(/code: 'feel\.([a-z-]+)'/g)) {
        add(`feel-valid.${m[1]}`, around(text, m.index));
        add(`sla-valid.${m[1]}`, around(text, m.index));
      }
    }
  }
  // The `executable` rule reports each compile problem as `executable.<code>`, adding `prefix`.
  for (const code of compileCodes) if (!code.startsWith('soundness.')) add(`executable.${code}`, `prefix ${found.get(code)!.join('\n')}`);
  // bpmnlint's own rules, as builtinMessages names them.
  const builtin = readFileSync(join(ROOT, 'packages/lint/src/builtinMessages.ts'), 'utf8');
  for (const rule of BUILTIN_RULES) {
    const code = rule === 'no-complex-gateway' || rule === 'no-inclusive-gateway' ? 'bpmnlint.discouraged-type' : `bpmnlint.${rule}`;
    const index = Math.max(builtin.indexOf(`'${rule}':`), builtin.indexOf(`  ${rule}:`));
    add(code, index >= 0 ? around(builtin, index) : builtin.slice(builtin.indexOf('DISCOURAGED')));
  }
  // Errors of the engine's API (`SopflowError` codes, params from `details`: errorRef).
  for (const file of [join(ROOT, 'packages/engine/src/errors.ts'), ...files(join(ROOT, 'packages/engine/src/machine'), /\.ts$/), ...files(join(ROOT, 'packages/engine/src/run'), /\.ts$/)]) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:new (?:InvalidStateError|SopflowError)\(|super\()\s*'([a-z][a-z0-9.-]*)'/g)) add(m[1], around(text, m.index));
    const notFound = /class NotFoundError[\s\S]*?kind: ([^,]+),/.exec(text);
    if (notFound) for (const k of notFound[1].matchAll(/'(\w+)'/g)) add(`${k[1]}.not-found`, around(text, notFound.index));
    const store = /super\(`store\.\$\{reason === 'connection' \? 'connection-lost' : reason\}`/.exec(text);
    if (store) for (const reason of ['full', 'io', 'connection-lost']) add(`store.${reason}`, around(text, store.index));
  }
  // Form fields: `form.field.<FieldProblemCode>`.
  const checkFormSource = readFileSync(join(ROOT, 'packages/engine/src/forms/checkForm.ts'), 'utf8');
  const union = /type FieldProblemCode = ([^;]+);/.exec(checkFormSource)![1];
  for (const m of union.matchAll(/'(\w+)'/g)) add(`form.field.${m[1]}`, `field ${checkFormSource}`);
  return found;
}

describe('the Chinese catalog of coded messages', () => {
  it('should have a template for every code the engine, the linter and the soundness check emit on real diagrams, filled by the params they give', { timeout: 600_000 }, async () => {
    // given
    const seen = new Seen();
    const diagrams = [
      ...(corpusAvailable ? files(CORPUS, /\.(bpmn|xml)$/i) : []).map((f) => [f, f.slice(CORPUS.length + 1)] as const),
      ...['packages/engine/test', 'packages/lint/test', 'packages/cli/test', 'test', 'examples'].flatMap((dir) => files(join(ROOT, dir), /\.bpmn$/).map((f) => [f, f.slice(ROOT.length)] as const)),
    ];
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);

    // when
    // the repository's own diagrams (about 210), and the corpus (425) when it is there
    expect(diagrams.length).toBeGreaterThan(corpusAvailable ? 450 : 200);
    for (const [file, label] of diagrams) await collect(file, seen, label);
    formFindings(seen);
    logged.mockRestore();

    // then: every code has a template…
    const missing = [...seen.where].filter(([code]) => !Object.prototype.hasOwnProperty.call(ZH, code)).map(([code, where]) => `${code} (e.g. ${where})`);
    expect(missing, 'codes without a zh-CN template').toEqual([]);
    // …that every real finding fills completely
    const unfilled = new Set<string>();
    for (const { ref, where } of seen.messages) {
      formatTemplate(ZH[ref.code], ref.params ?? {}, { lang: 'zh-CN', renderRef: () => '', onMissing: (name) => unfilled.add(`${ref.code}: {${name}} not in the params of a finding in ${where} (${JSON.stringify(ref.params ?? {})})`) });
    }
    expect([...unfilled], 'placeholders the producer does not supply').toEqual([]);
    // and each whole message (nested parts too) renders in Chinese
    const notChinese = seen.messages.map(({ ref }) => translator('zh-CN').message(ref)).filter((text) => !/[\u4e00-\u9fff]/.test(text));
    expect(notChinese).toEqual([]);
    // the run reaches the kinds of finding it is meant to check
    for (const code of ['bpmn.unsupported', 'executable.bpmn.unsupported', 'bpmnlint.label-required', 'soundness.deadlock', 'soundness.dead-activity.never-reached', 'soundness.part.flow', 'form.field.required', 'xml.malformed']) {
      expect(seen.where.has(code), `${code} seen`).toBe(true);
    }
  });

  it('should have a template for every code literal in the producers\' sources, reading only names written beside it', () => {
    // given
    const codes = sourceCodes();

    // then
    const missing = [...codes.keys()].filter((code) => !Object.prototype.hasOwnProperty.call(ZH, code) && !DEVELOPER_ONLY.includes(code)).sort();
    expect(missing, 'codes in the sources without a zh-CN template').toEqual([]);
    const unknown: string[] = [];
    for (const [code, snippets] of codes) {
      if (!ZH[code]) continue;
      for (const name of placeholders(ZH[code])) {
        if (!snippets.some((s) => new RegExp(`\\b${name}\\b`).test(s))) unknown.push(`${code}: {${name}}`);
      }
    }
    expect(unknown, 'placeholders named nowhere near the code in its producer').toEqual([]);
    // no template for a code nothing produces
    const stale = PROBLEM_MESSAGE_IDS.filter((id) => !codes.has(id));
    expect(stale, 'templates of codes no source produces').toEqual([]);
  });

  it("should render the engine's API errors an owner meets in Chinese, from their code and details", async () => {
    // given: an engine with one approval waiting for the managers
    const engine = createEngine({ clock: new VirtualClock('2026-11-23T09:00:00+08:00') });
    await engine.deploy(`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:sop="https://sopflow.dev/schema/bpmn/sop/1.0" id="d">
  <bpmn:process id="approval" isExecutable="true">
    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="review"/>
    <bpmn:userTask id="review" name="初审" sop:candidateGroups="managers"/><bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="e"/>
    <bpmn:endEvent id="e"/>
  </bpmn:process>
</bpmn:definitions>`);
    const instance = await engine.start('approval', { id: 'a1' });
    const [task] = (await engine.tasks({ instanceId: instance.id })).items;
    const refused = async (call: () => Promise<unknown>): Promise<SopflowError> => {
      try {
        await call();
      } catch (error) {
        return error as SopflowError;
      }
      throw new Error('expected the engine to refuse');
    };
    // when
    const errors = [
      await refused(() => engine.instance('nope')),
      await refused(() => engine.start('approval', { id: 'a1' })),
      await refused(() => engine.complete(task.id, { by: { id: 'mallory', groups: ['interns'] } })),
    ];
    await engine.claim(task.id, 'wang', { by: { id: 'wang', groups: ['managers'] } });
    errors.push(await refused(() => engine.claim(task.id, 'li', { by: { id: 'li', groups: ['managers'] } })));
    await engine.cancel(instance.id, { by: 'system' });
    errors.push(await refused(() => engine.cancel(instance.id, { by: 'system' })));
    await engine.close();
    // then
    const zh = translator('zh-CN');
    expect(errors.map((e) => [e.code, zh.message(errorRef(e))])).toEqual([
      ['instance.not-found', '没有 id 为“nope”的流程实例。'],
      ['instance.exists', 'id 为“a1”的流程实例已经存在。'],
      ['task.not-assignable', `无权处理任务“${task.id}”：只有该任务的负责人、候选人或候选组成员才能处理。`],
      ['task.claimed', `任务“${task.id}”已被“wang”认领。`],
      ['instance.ended', '流程实例“a1”已取消，不再接受任何操作。'],
    ]);
    expect(translator('en').message(errorRef(errors[0]))).toBe(errors[0].message);
  });

  it('should render a finding in Chinese and keep the producer\'s English in English', () => {
    // given
    const finding = { code: 'sla-valid.unknown-calendar', message: "sop:calendar 'ofice' is not a known calendar: expected one of: office.", params: { variant: 'unknown', calendar: 'ofice', calendars: ['office', 'support'] } };
    // when / then
    expect(translator('zh-CN').message(problemRef(finding))).toBe('sop:calendar“ofice”不是已知的工作日历：应为以下之一：office和support。');
    expect(translator('en').message(problemRef(finding))).toBe(finding.message);
  });
});
