/**
 * A small subset of ICU MessageFormat: `{name}` placeholders, `{n, plural,
 * one {# hour} other {# hours}}` (with `=0`-style exact cases and `#` for
 * the number), `{kind, select, process {…} other {…}}`, and lists (an array
 * parameter is joined the language's way). No apostrophe quoting: braces are
 * always syntax, so English messages may use quotes freely. Pure.
 */

/** A message with a stable id, parameters, and (optionally) its English text. Plain data. */
export interface MessageRef {
  /** The message id, e.g. `sla-valid.rule-at` or `bpmn.duplicate-id`. */
  code: string;
  params?: Params;
  /** The English text the producer wrote; shown when no translation exists. */
  message?: string;
}

/** A parameter: text, a number, a nested message, or a list of these. Plain data. */
export type ParamValue = string | number | boolean | null | undefined | MessageRef | readonly ParamValue[];

/** The parameters of a message by name. */
export type Params = Readonly<Record<string, ParamValue>>;

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'arg'; name: string }
  | { kind: 'hash' }
  | { kind: 'plural' | 'select'; name: string; cases: Map<string, Node[]> };

/** A template that cannot be read: an unclosed brace, a `plural` without `other`, … */
export class TemplateSyntaxError extends Error {
  constructor(
    readonly template: string,
    message: string,
  ) {
    super(`${message} in message template "${template}"`);
    this.name = 'TemplateSyntaxError';
  }
}

const cache = new Map<string, Node[]>();

/** The parsed form of `template` (cached). Pure. @throws TemplateSyntaxError */
export function parseTemplate(template: string): Node[] {
  let nodes = cache.get(template);
  if (!nodes) {
    nodes = new Parser(template).parse();
    cache.set(template, nodes);
  }
  return nodes;
}

class Parser {
  private at = 0;

  constructor(private readonly text: string) {}

  parse(): Node[] {
    const nodes = this.message(false, false);
    if (this.at < this.text.length) this.fail(`unexpected '}' at ${this.at}`);
    return nodes;
  }

  private fail(message: string): never {
    throw new TemplateSyntaxError(this.text, message);
  }

  private message(nested: boolean, plural: boolean): Node[] {
    const nodes: Node[] = [];
    let text = '';
    const flush = () => {
      if (text) nodes.push({ kind: 'text', text });
      text = '';
    };
    while (this.at < this.text.length) {
      const ch = this.text[this.at];
      if (ch === '}') {
        if (!nested) this.fail(`unexpected '}' at ${this.at}`);
        break;
      }
      if (ch === '{') {
        flush();
        nodes.push(this.argument());
        continue;
      }
      if (ch === '#' && plural) {
        flush();
        nodes.push({ kind: 'hash' });
        this.at++;
        continue;
      }
      text += ch;
      this.at++;
    }
    flush();
    return nodes;
  }

  private argument(): Node {
    this.at++; // {
    const name = this.word();
    if (!name) this.fail(`a placeholder without a name at ${this.at}`);
    this.space();
    if (this.text[this.at] === '}') {
      this.at++;
      return { kind: 'arg', name };
    }
    if (this.text[this.at] !== ',') this.fail(`expected ',' or '}' after '${name}'`);
    this.at++;
    this.space();
    const type = this.word();
    if (type !== 'plural' && type !== 'select') this.fail(`unknown argument type '${type}' (plural or select)`);
    this.space();
    if (this.text[this.at] !== ',') this.fail(`expected ',' after '${type}'`);
    this.at++;
    const cases = new Map<string, Node[]>();
    for (;;) {
      this.space();
      if (this.text[this.at] === '}') break;
      const key = this.word();
      if (!key) this.fail(`expected a case name in '${name}'`);
      this.space();
      if (this.text[this.at] !== '{') this.fail(`expected '{' after case '${key}'`);
      this.at++;
      cases.set(key, this.message(true, type === 'plural'));
      if (this.text[this.at] !== '}') this.fail(`unclosed case '${key}'`);
      this.at++;
    }
    this.at++;
    if (!cases.has('other')) this.fail(`'${name}' has no 'other' case`);
    return { kind: type, name, cases };
  }

  private word(): string {
    const match = /^[=\w.-]+/.exec(this.text.slice(this.at));
    if (!match) return '';
    this.at += match[0].length;
    return match[0];
  }

  private space(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }
}

/** The parameter names a template reads (plural and select arguments included). Pure. @throws TemplateSyntaxError */
export function placeholders(template: string): string[] {
  const names = new Set<string>();
  const walk = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.kind === 'arg') names.add(node.name);
      else if (node.kind === 'plural' || node.kind === 'select') {
        names.add(node.name);
        for (const nested of node.cases.values()) walk(nested);
      }
    }
  };
  walk(parseTemplate(template));
  return [...names];
}

/** How {@link formatTemplate} renders values. */
export interface FormatContext {
  /** BCP 47 language of the output (plural rules, number and list formats). */
  lang: string;
  /** Renders a nested message (a parameter that is a {@link MessageRef}). */
  renderRef(ref: MessageRef): string;
  /**
   * Told of a parameter the template reads but `params` lacks (the
   * placeholder is left as written). A missing `select` argument is not
   * reported: it chooses `other`, a message's default wording.
   */
  onMissing?(name: string): void;
}

const pluralRules = new Map<string, Intl.PluralRules>();
const listFormats = new Map<string, Intl.ListFormat>();
const numberFormats = new Map<string, Intl.NumberFormat>();

function memo<T>(map: Map<string, T>, lang: string, make: () => T): T {
  let value = map.get(lang);
  if (!value) map.set(lang, (value = make()));
  return value;
}

function isRef(value: unknown): value is MessageRef {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as MessageRef).code === 'string';
}

/** A parameter value as text in `context.lang`. Pure. */
export function renderValue(value: ParamValue, context: FormatContext): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return memo(numberFormats, context.lang, () => new Intl.NumberFormat(context.lang, { maximumFractionDigits: 2 })).format(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => renderValue(item, context));
    return memo(listFormats, context.lang, () => new Intl.ListFormat(context.lang, { type: 'conjunction' })).format(items);
  }
  if (isRef(value)) return context.renderRef(value);
  return String(value);
}

/**
 * Fills `template` with `params` in `context.lang`: placeholders, plural
 * cases chosen with `Intl.PluralRules` (exact `=N` first), select cases
 * (`other` when no case matches). Pure. @throws TemplateSyntaxError
 */
export function formatTemplate(template: string, params: Params = {}, context: FormatContext): string {
  return render(parseTemplate(template), params, context, undefined);
}

function render(nodes: Node[], params: Params, context: FormatContext, count: number | undefined): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'hash') out += count === undefined ? '#' : renderValue(count, context);
    else {
      if (!(node.name in params) || params[node.name] === undefined) {
        if (node.kind !== 'select') context.onMissing?.(node.name);
        if (node.kind === 'arg') {
          out += `{${node.name}}`;
          continue;
        }
      }
      const value = params[node.name];
      if (node.kind === 'arg') out += renderValue(value, context);
      else if (node.kind === 'plural') {
        const n = Number(value);
        const exact = node.cases.get(`=${n}`);
        const category = memo(pluralRules, context.lang, () => new Intl.PluralRules(context.lang)).select(n);
        out += render(exact ?? node.cases.get(category) ?? node.cases.get('other')!, params, context, n);
      } else {
        out += render(node.cases.get(String(value)) ?? node.cases.get('other')!, params, context, count);
      }
    }
  }
  return out;
}
