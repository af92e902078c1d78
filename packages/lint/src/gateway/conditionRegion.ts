/**
 * Reading a gateway condition as the set of values of one variable it
 * accepts, for the common decidable form: comparisons of one variable
 * with literals (`x = "a"`, `x < 10`, `x >= 10`, `x = true`, `approved`,
 * `not(approved)`), combined with `and`, `or`, `not(…)` and parentheses,
 * and the constants `true` / `false`. The values considered are those of
 * a variable that is set: `x = null` accepts none of them, `x != null`
 * all. Anything else is undecidable. Pure.
 */
import { ALL, complement, intersect, NONE, numberRegion, Undecidable, union, type Region } from './regions.js';

type Token =
  | { t: 'name'; v: string }
  | { t: 'number'; v: number }
  | { t: 'string'; v: string }
  | { t: 'op'; v: string }
  | { t: 'paren'; v: '(' | ')' };

const KEYWORDS = new Set(['and', 'or', 'not', 'true', 'false', 'null']);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const re = /\s*(?:(-?\d+(?:\.\d+)?)(?![\w.])|"((?:[^"\\]|\\.)*)"|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|(!=|<=|>=|=|<|>)|([()]))\s*/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m || m[0] === '') throw new Undecidable();
    at = re.lastIndex;
    if (m[1] !== undefined) tokens.push({ t: 'number', v: Number(m[1]) });
    else if (m[2] !== undefined) tokens.push({ t: 'string', v: m[2].replace(/\\(.)/g, '$1') });
    else if (m[3] !== undefined) tokens.push({ t: 'name', v: m[3] });
    else if (m[4] !== undefined) tokens.push({ t: 'op', v: m[4] });
    else tokens.push({ t: 'paren', v: m[5] as '(' | ')' });
  }
  return tokens;
}

const FLIP: Readonly<Record<string, string>> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

type Literal = { t: 'number'; v: number } | { t: 'string'; v: string } | { t: 'boolean'; v: boolean } | { t: 'null' };

class Parser {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): Region {
    const region = this.disjunction();
    if (this.at !== this.tokens.length) throw new Undecidable();
    return region;
  }

  private peek(): Token | undefined {
    return this.tokens[this.at];
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.t === 'name' && token.v === word;
  }

  private expect(token: Token['v']): void {
    if (this.peek()?.v !== token) throw new Undecidable();
    this.at++;
  }

  private disjunction(): Region {
    let region = this.conjunction();
    while (this.isWord('or')) {
      this.at++;
      region = union(region, this.conjunction());
    }
    return region;
  }

  private conjunction(): Region {
    let region = this.unary();
    while (this.isWord('and')) {
      this.at++;
      region = intersect(region, this.unary());
    }
    return region;
  }

  private unary(): Region {
    if (this.isWord('not')) {
      this.at++;
      this.expect('(');
      const inner = this.disjunction();
      this.expect(')');
      return complement(inner);
    }
    if (this.peek()?.v === '(') {
      this.at++;
      const inner = this.disjunction();
      this.expect(')');
      return inner;
    }
    return this.comparison();
  }

  private operand(): { variable: string } | Literal {
    const token = this.tokens[this.at++];
    if (token?.t === 'number' || token?.t === 'string') return token;
    if (token?.t === 'name' && (token.v === 'true' || token.v === 'false')) return { t: 'boolean', v: token.v === 'true' };
    if (token?.t === 'name' && token.v === 'null') return { t: 'null' };
    if (token?.t === 'name' && !KEYWORDS.has(token.v)) return { variable: token.v };
    throw new Undecidable();
  }

  private comparison(): Region {
    const left = this.operand();
    const op = this.peek();
    if (op?.t !== 'op') {
      if ('variable' in left) return { kind: 'boolean', variable: left.variable, values: new Set([true]) };
      if (left.t === 'boolean') return left.v ? ALL : NONE;
      throw new Undecidable();
    }
    this.at++;
    const right = this.operand();
    if ('variable' in left && !('variable' in right)) return literalRegion(left.variable, op.v, right);
    if ('variable' in right && !('variable' in left)) return literalRegion(right.variable, FLIP[op.v], left);
    throw new Undecidable();
  }
}

function literalRegion(variable: string, op: string, literal: Literal): Region {
  if (literal.t === 'number') return numberRegion(variable, op, literal.v);
  if (op !== '=' && op !== '!=') throw new Undecidable();
  // A variable that is not set is not one of the values considered: `x = null` accepts none of them, `x != null` all.
  if (literal.t === 'null') return op === '=' ? NONE : ALL;
  const region: Region =
    literal.t === 'boolean'
      ? { kind: 'boolean', variable, values: new Set([literal.v]) }
      : { kind: 'string', variable, values: new Set([literal.v]), complement: false };
  return op === '=' ? region : complement(region);
}

/**
 * The values of one variable the FEEL condition accepts (without a leading
 * `=`). Pure.
 * @throws Undecidable when the condition is not of the decidable form.
 */
export function conditionRegion(feel: string): Region {
  return new Parser(tokenize(feel)).parse();
}
