/**
 * fast-check generators for the differential test: random expressions of
 * the fast FEEL subset and random JSON contexts.
 */
import fc from 'fast-check';

/** Variable names the expressions read; contexts define some of them. */
export const VARIABLE_NAMES = ['a', 'b', 'amount', 'severity', 'xs', 'obj', '数量', 'n_1', 'ok?', 'c'] as const;
const PROPERTY_NAMES = ['x', 'y', 'amount', 'approved', 'length', '审批', 'xs'] as const;

const numberLiteral = fc.constantFrom('0', '1', '-1', '2', '2.5', '-0.5', '.5', '3', '10', '50000', '1e3', '-0', '007');
const stringLiteral = fc.constantFrom('""', '"urgent"', '"a"', '"A"', '"审批"', '"a\\"b"', '"1"', '"true"', '"x"', '"\\u0041"', '"-heads"');

const variable = fc.constantFrom(...VARIABLE_NAMES);
const path = fc
  .tuple(variable, fc.array(fc.constantFrom(...PROPERTY_NAMES), { minLength: 1, maxLength: 2 }))
  .map(([name, properties]) => [name, ...properties].join('.'));

const leaf = fc.oneof(
  { arbitrary: numberLiteral, weight: 2 },
  { arbitrary: stringLiteral, weight: 2 },
  { arbitrary: fc.constantFrom('true', 'false', 'null'), weight: 2 },
  { arbitrary: variable, weight: 4 },
  { arbitrary: path, weight: 2 },
);

const temporal = fc.constantFrom(
  'duration("PT30M")',
  'duration("PT120M")',
  'duration("P1Y14M")',
  'duration("P2DT3H")',
  'duration("nonsense")',
  'date and time("2024-05-01T10:30:00Z")',
  'date and time("2024-05-01T10:30:00@Europe/Paris")',
  'date("2024-05-01")',
  'time("10:30:00")',
  '@"2024-05-01"',
);

const unaryBuiltins = ['count', 'sum', 'min', 'max', 'string length', 'upper case', 'lower case', 'string', 'number', 'all', 'any', 'not'];
const binaryBuiltins = ['contains', 'starts with', 'ends with'];

const { expression, compound } = fc.letrec<{ expression: string; operand: string; compound: string }>((tie) => ({
  expression: fc.oneof({ maxDepth: 3, depthIdentifier: 'feel' }, leaf, tie('compound')),
  // sometimes parenthesised, sometimes left to FEEL's precedence
  operand: fc.tuple(tie('expression'), fc.boolean()).map(([text, parenthesise]) => (parenthesise ? `(${text})` : text)),
  compound: fc.oneof(
    fc.tuple(tie('operand'), fc.constantFrom('+', '-', '*', '/', '**'), tie('operand')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('operand').map((a) => `-${a}`),
    fc.tuple(tie('operand'), fc.constantFrom('=', '!=', '<', '<=', '>', '>='), tie('operand')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('operand'), fc.constantFrom('and', 'or'), tie('operand')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('expression'), tie('expression'), tie('expression')).map(([c, t, e]) => `if ${c} then ${t} else ${e}`),
    fc.array(tie('expression'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.tuple(fc.constantFrom(...unaryBuiltins), fc.array(tie('expression'), { maxLength: 2 })).map(([f, args]) => `${f}(${args.join(', ')})`),
    fc.tuple(fc.constantFrom(...binaryBuiltins), tie('expression'), tie('expression')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc.tuple(tie('operand'), tie('operand'), tie('operand')).map(([v, a, b]) => `${v} between ${a} and ${b}`),
    fc.tuple(fc.constantFrom('c', 'partial', 'count'), tie('operand'), tie('expression')).map(([name, list, each]) => `for ${name} in ${list} return ${each}`),
    fc
      .tuple(fc.constantFrom('some', 'every'), fc.constantFrom('c', 'a'), tie('operand'), tie('expression'))
      .map(([q, name, list, test]) => `${q} ${name} in ${list} satisfies ${test}`),
    fc.tuple(tie('operand'), fc.array(tie('expression'), { maxLength: 3 })).map(([v, items]) => `${v} in [${items.join(', ')}]`),
    fc.tuple(tie('operand'), tie('expression')).map(([v, list]) => `${v} in ${list.startsWith('[') ? list : `(${list})`}`),
    fc
      .tuple(tie('operand'), fc.constantFrom('[', '(', ']'), tie('expression'), tie('expression'), fc.constantFrom(']', ')', '['))
      .map(([v, open, a, b, close]) => `${v} in ${open}${a}..${b}${close}`),
    fc
      .tuple(tie('operand'), fc.constantFrom('<', '<=', '>', '>=', '=', '!='), tie('operand'))
      .map(([v, op, a]) => `${v} in ${op}${a}`),
    fc
      .tuple(tie('operand'), fc.array(fc.tuple(fc.constantFrom('<', '>=', '=', ''), tie('operand')), { minLength: 1, maxLength: 3 }))
      .map(([v, tests]) => `${v} in (${tests.map(([op, a]) => `${op}${a}`).join(', ')})`),
  ),
}));

const numberVariable = fc.constantFrom('amount', 'a', 'b', 'n_1', '数量', 'obj.x', 'obj.amount', 'c', 'c.x');
const stringVariable = fc.constantFrom('severity', 'obj.y', 'obj.审批');
const booleanVariable = fc.constantFrom('ok?', 'obj.approved', 'c', 'c.approved');
const listVariable = fc.constantFrom('xs', 'obj.xs');

/** Expressions that mostly combine values of matching types, as real conditions do. */
const typed = fc.letrec<{ num: string; str: string; bool: string; list: string }>((tie) => ({
  num: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'typed' },
    numberLiteral,
    numberVariable,
    fc.tuple(tie('num'), fc.constantFrom('+', '-', '*', '/', '**'), tie('num')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('num').map((a) => `-${a}`),
    fc.tuple(fc.constantFrom('count', 'sum', 'min', 'max'), tie('list')).map(([f, list]) => `${f}(${list})`),
    fc.tuple(fc.constantFrom('sum', 'min', 'max'), tie('num'), tie('num')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    tie('str').map((text) => `string length(${text})`),
    tie('str').map((text) => `number(${text})`),
    fc.tuple(tie('bool'), tie('num'), tie('num')).map(([c, a, b]) => `(if ${c} then ${a} else ${b})`),
  ),
  str: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'typed' },
    stringLiteral,
    stringVariable,
    fc.tuple(tie('str'), tie('str')).map(([a, b]) => `(${a} + ${b})`),
    fc.tuple(fc.constantFrom('upper case', 'lower case', 'string'), tie('str')).map(([f, a]) => `${f}(${a})`),
    tie('num').map((a) => `string(${a})`),
    fc.tuple(tie('bool'), tie('str'), tie('str')).map(([c, a, b]) => `(if ${c} then ${a} else ${b})`),
  ),
  bool: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'typed' },
    fc.constantFrom('true', 'false', 'null'),
    booleanVariable,
    fc.tuple(tie('num'), fc.constantFrom('=', '!=', '<', '<=', '>', '>='), tie('num')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('str'), fc.constantFrom('=', '!=', '<', '>='), tie('str')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(fc.oneof(numberVariable, stringVariable, booleanVariable, listVariable), fc.constantFrom('=', '!=')).map(([a, op]) => `${a} ${op} null`),
    fc.tuple(tie('bool'), fc.constantFrom('and', 'or'), tie('bool')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    tie('bool').map((a) => `not(${a})`),
    fc
      .tuple(fc.constantFrom(...unaryBuiltins, ...binaryBuiltins), fc.array(fc.oneof(tie('num'), tie('str'), tie('bool')), { maxLength: 3 }))
      .map(([f, args]) => `${f}(${args.join(', ')}) = null`),
    fc.tuple(tie('num'), tie('num'), tie('num')).map(([v, a, b]) => `${v} between ${a} and ${b}`),
    fc.tuple(tie('num'), tie('num'), tie('num')).map(([v, a, b]) => `${v} in [${a}, ${b}]`),
    fc.tuple(tie('num'), fc.constantFrom('[', '('), tie('num'), tie('num'), fc.constantFrom(']', ')')).map(([v, o, a, b, c]) => `${v} in ${o}${a}..${b}${c}`),
    fc.tuple(tie('num'), fc.constantFrom('<', '<=', '>', '>='), tie('num')).map(([v, op, a]) => `${v} in ${op}${a}`),
    fc.tuple(tie('str'), tie('str'), tie('str')).map(([v, a, b]) => `${v} in (${a}, ${b})`),
    fc.tuple(fc.constantFrom('contains', 'starts with', 'ends with'), tie('str'), tie('str')).map(([f, a, b]) => `${f}(${a}, ${b})`),
    fc.tuple(fc.constantFrom('all', 'any'), tie('list')).map(([f, list]) => `${f}(${list})`),
    fc.tuple(fc.constantFrom('some', 'every'), tie('list'), tie('bool')).map(([q, list, test]) => `(${q} c in ${list} satisfies ${test})`),
  ),
  list: fc.oneof(
    { maxDepth: 2, depthIdentifier: 'typed' },
    listVariable,
    fc.array(tie('num'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.array(tie('bool'), { maxLength: 3 }).map((items) => `[${items.join(', ')}]`),
    fc.tuple(tie('list'), fc.oneof(tie('num'), tie('bool'))).map(([list, each]) => `(for c in ${list} return ${each})`),
  ),
}));

/** A random expression of the fast subset; folded temporal literals only where they are the result. */
export const fastExpression: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: typed.num, weight: 4 },
  { arbitrary: typed.str, weight: 3 },
  { arbitrary: typed.bool, weight: 6 },
  { arbitrary: compound, weight: 6 },
  { arbitrary: leaf, weight: 1 },
  { arbitrary: temporal, weight: 1 },
  { arbitrary: fc.tuple(typed.bool, temporal, fc.oneof(temporal, typed.str)).map(([c, t, e]) => `if ${c} then ${t} else ${e}`), weight: 1 },
  { arbitrary: fc.tuple(temporal, expression).map(([t, e]) => `[${t}, ${e}]`), weight: 1 },
);

const scalar = fc.oneof(
  fc.integer({ min: -5, max: 60000 }),
  fc.constantFrom(0, -0, 0.5, -2.25, 1, 2, 3, 10, 50000, 50001, 1e21, 0.1 + 0.2),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom('', 'urgent', 'a', 'A', 'x', '审批', '中文字符', '𝄞', 'PT1H', '1', ' 12 ', 'true', '-heads', 'a"b'),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant(null),
);

const NESTED_KEYS = [...PROPERTY_NAMES, 'x y', ' x', 'x-y', 'approved ', 'length-1'] as const;

const { value: jsonValue } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'json' },
    { arbitrary: scalar, weight: 5 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.dictionary(fc.constantFrom(...PROPERTY_NAMES), tie('value'), { maxKeys: 3, noNullPrototype: true }), weight: 1 },
    { arbitrary: fc.dictionary(fc.constantFrom(...NESTED_KEYS), tie('value'), { maxKeys: 3, noNullPrototype: true }), weight: 1 },
  ),
}));

/** A random context of JSON values over {@link VARIABLE_NAMES}. */
export const jsonContext: fc.Arbitrary<Record<string, unknown>> = fc.dictionary(fc.constantFrom(...VARIABLE_NAMES), jsonValue, {
  maxKeys: VARIABLE_NAMES.length,
  noNullPrototype: true,
});

const someNumber = fc.oneof(
  { arbitrary: fc.integer({ min: -3, max: 10 }), weight: 4 },
  { arbitrary: fc.constantFrom(0, -0, 0.5, -2.25, 3, 50000, 50001, 1e21, 0.1 + 0.2), weight: 3 },
  { arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }), weight: 1 },
  { arbitrary: fc.constantFrom<unknown>(null, '3', true), weight: 1 },
);
const someString = fc.oneof(
  { arbitrary: fc.constantFrom('', 'urgent', 'normal', 'a', 'A', 'x', '审批', '中文字符', '𝄞', '1', ' 12 ', '1,5', '-heads'), weight: 4 },
  { arbitrary: fc.string({ maxLength: 3 }), weight: 1 },
  { arbitrary: fc.constantFrom<unknown>(null, 1), weight: 1 },
);
const someBoolean = fc.oneof({ arbitrary: fc.boolean(), weight: 4 }, { arbitrary: fc.constantFrom<unknown>(null, 'true', 0), weight: 1 });
const someRecord = fc.record({ x: someNumber, approved: someBoolean }, { requiredKeys: [], noNullPrototype: true });
const someList = fc.oneof(
  fc.array(someNumber, { maxLength: 4 }),
  fc.array(someBoolean, { maxLength: 4 }),
  fc.array(someRecord, { maxLength: 3 }),
  fc.constantFrom<unknown>(null, 5),
);

/** A context whose variables mostly hold the types the typed expressions expect; any may be missing. */
export const typedContext: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    amount: someNumber,
    a: someNumber,
    b: someNumber,
    n_1: someNumber,
    数量: someNumber,
    severity: someString,
    'ok?': someBoolean,
    xs: someList,
    c: fc.oneof(someNumber, someRecord),
    obj: fc.record(
      { x: someNumber, amount: someNumber, y: someString, 审批: someString, approved: someBoolean, xs: someList },
      { requiredKeys: [], noNullPrototype: true },
    ),
  },
  { requiredKeys: [], noNullPrototype: true },
);

const ODD_KEYS = ['x', 'a-b', 'amount ', ' severity', 'a b', 'if a', '?', 'xs.length', 'obj-x', 'count', 'string length', 'sum', 'not', 'amount+1', 'b**2'];

/** Expressions whose words the {@link ODD_KEYS} start with, so those keys matter. */
export const oddKeyExpression: fc.Arbitrary<string> = fc.constantFrom(
  'a - b',
  'a-b',
  'a-b > 1',
  'amount + 1',
  'amount+1',
  'b ** 2',
  'b**2 = 4',
  'if a then 1 else 2',
  'if a = 1 then "one" else "other"',
  'obj.x - 1',
  'obj-x',
  'xs.length',
  'count(xs)',
  'string length(severity)',
  'sum(xs) > 1',
  'not(ok?)',
  'severity = "urgent"',
  'amount <= 50000',
  'severity + "-heads"',
  'a b',
  'x in [1, 2]',
  'a in [1, 2]',
  'ok? in true',
  'obj.x-y',
  'obj.x - y',
  'obj.x-y = 1',
  'obj.length-1',
  'obj.approved',
  'obj.x',
  'xs.x - y',
  'x in (false)',
);

/** A context that may also hold keys feelin treats specially (multi-part names, shadowed built-ins, `?`). */
export const oddContext: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.oneof(jsonContext, typedContext),
    fc.dictionary(fc.constantFrom(...ODD_KEYS), jsonValue, { maxKeys: 3, noNullPrototype: true }),
    fc.option(fc.dictionary(fc.constantFrom(...NESTED_KEYS), jsonValue, { maxKeys: 4, noNullPrototype: true })),
  )
  .map(([plain, odd, obj]) => ({ ...plain, ...odd, ...(obj && { obj, xs: [obj, obj] }) }));
