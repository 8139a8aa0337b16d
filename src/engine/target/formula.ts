/**
 * Density formulas: a mathjs expression in x and y, restricted to what a density needs (numbers, x, y, named
 * constants, arithmetic, comparisons, logic, conditionals and a list of elementary functions with scalar arity),
 * checked before anything runs and compiled to plain closures: mathjs only parses. Its parser is loaded on the first
 * formula (about 0.3 s of CPU, against 1.8 s for the whole library), so commands without a formula never load it.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * A checked formula as plain data (it crosses worker boundaries): a number, the variable 'x' or 'y', or
 * [operation, ...operands] with the operations of OPERATORS and FUNCTIONS plus '?:' (conditional).
 */
export type Formula = number | 'x' | 'y' | readonly [string, ...Formula[]];

/** Longest formula accepted, characters. */
export const MAX_FORMULA_LENGTH = 2000;
/** Most nodes of the parsed tree. */
export const MAX_FORMULA_NODES = 1000;
/** Deepest bracket nesting accepted (checked before parsing: mathjs parses recursively). */
export const MAX_FORMULA_DEPTH = 40;

/** Why a formula is refused, in words that follow its key ("target.expr ..."). */
export class FormulaError extends Error {
  constructor(readonly problem: string) {
    super(problem);
    this.name = 'FormulaError';
  }
}

/** Named constants a formula may use. */
const CONSTANTS: Record<string, number> = {
  pi: Math.PI, PI: Math.PI, e: Math.E, E: Math.E, tau: 2 * Math.PI, phi: (1 + Math.sqrt(5)) / 2,
  LN2: Math.LN2, LN10: Math.LN10, LOG2E: Math.LOG2E, LOG10E: Math.LOG10E, SQRT2: Math.SQRT2, SQRT1_2: Math.SQRT1_2,
};

/** mathjs operator functions a formula may use, with their arity. */
const OPERATORS: Record<string, number> = {
  add: 2, subtract: 2, multiply: 2, divide: 2, pow: 2, mod: 2, unaryMinus: 1, unaryPlus: 1,
  equal: 2, unequal: 2, smaller: 2, larger: 2, smallerEq: 2, largerEq: 2, and: 2, or: 2, xor: 2, not: 1,
};

/** Elementary functions a formula may call: [fewest, most] arguments. */
const FUNCTIONS: Record<string, readonly [number, number]> = {
  exp: [1, 1], expm1: [1, 1], log: [1, 2], log10: [1, 1], log2: [1, 1], log1p: [1, 1], sqrt: [1, 1], cbrt: [1, 1],
  abs: [1, 1], sign: [1, 1], square: [1, 1], cube: [1, 1], pow: [2, 2], mod: [2, 2], hypot: [1, 16],
  min: [1, 16], max: [1, 16], floor: [1, 1], ceil: [1, 1], round: [1, 1], fix: [1, 1],
  sin: [1, 1], cos: [1, 1], tan: [1, 1], asin: [1, 1], acos: [1, 1], atan: [1, 1], atan2: [2, 2],
  sinh: [1, 1], cosh: [1, 1], tanh: [1, 1], asinh: [1, 1], acosh: [1, 1], atanh: [1, 1],
};

/** What a refused mathjs node is, in words. */
const REFUSED_NODES: Record<string, string> = {
  ArrayNode: 'a matrix or list',
  RangeNode: 'a range (a:b)',
  AccessorNode: 'indexing or property access',
  IndexNode: 'indexing',
  AssignmentNode: 'an assignment',
  FunctionAssignmentNode: 'a function definition',
  ObjectNode: 'an object',
  BlockNode: 'several statements',
};

/** Operators whose refusal deserves a word. */
const REFUSED_OPERATORS: Record<string, string> = {
  factorial: 'the factorial (!)',
  to: 'a unit conversion',
  ctranspose: 'a transpose',
  dotMultiply: 'an element-wise operator',
  dotDivide: 'an element-wise operator',
  dotPow: 'an element-wise operator',
};

/** A name or value cut to a few dozen characters for a message. */
function cut(s: string, n = 24): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > n ? `${one.slice(0, n)}...` : one;
}

interface MathNode {
  readonly type: string;
  readonly value?: unknown;
  readonly name?: string;
  readonly fn?: string | MathNode;
  readonly op?: string;
  readonly args?: readonly MathNode[];
  readonly content?: MathNode;
  readonly condition?: MathNode;
  readonly trueExpr?: MathNode;
  readonly falseExpr?: MathNode;
  readonly conditionals?: readonly string[];
  readonly params?: readonly MathNode[];
  readonly blocks?: readonly { readonly node: MathNode }[];
}

type Parse = (expr: string) => MathNode;
let parser: Parse | undefined;

/**
 * mathjs's parser alone, on plain numbers: its factory with the number-only dependencies (0.3 s of CPU at the first
 * call, against 1.8 s for `import 'mathjs'`), or the public `mathjs/number` build if that layout ever changes.
 */
export function loadParser(): Parse {
  if (parser) return parser;
  const require = createRequire(import.meta.url);
  try {
    const lib = dirname(require.resolve('mathjs')); // .../lib/cjs
    const { create } = require(join(lib, 'core', 'create.js')) as { create: (f: object) => { parse: Parse } };
    const { parseDependencies } = require(join(lib, 'entry', 'dependenciesNumber', 'dependenciesParse.generated.js')) as { parseDependencies: object };
    parser = create({ parseDependencies }).parse;
  } catch {
    parser = (require('mathjs/number') as { parse: Parse }).parse;
  }
  return parser;
}

/** Whether the formula parser (mathjs) has been loaded in this thread. */
export function parserLoaded(): boolean {
  return parser !== undefined;
}

/**
 * Parses and checks a density formula; throws a FormulaError naming the first construct that is not allowed (a
 * few dozen characters of it at most). Nothing of the formula is evaluated. `parse` is mathjs's parser (by default
 * the lazily loaded one).
 */
export function parseFormula(expr: string, parse?: (expr: string) => unknown): Formula {
  if (typeof expr !== 'string' || expr.trim() === '') throw new FormulaError('must be a non-empty formula in x and y');
  if (expr.length > MAX_FORMULA_LENGTH) throw new FormulaError(`is ${expr.length} characters long, more than ${MAX_FORMULA_LENGTH}`);
  let depth = 0;
  for (const ch of expr) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (depth > MAX_FORMULA_DEPTH) throw new FormulaError(`nests brackets more than ${MAX_FORMULA_DEPTH} deep`);
  }
  let root: MathNode;
  try {
    root = (parse ?? loadParser())(expr) as MathNode;
  } catch (e) {
    if (e instanceof RangeError) throw new FormulaError('is too deeply nested to parse');
    throw new FormulaError(`does not parse: ${cut(String((e as Error).message), 80)}`);
  }
  let nodes = 0;
  const walk = (n: MathNode): Formula => {
    if (++nodes > MAX_FORMULA_NODES) throw new FormulaError(`has more than ${MAX_FORMULA_NODES} terms`);
    switch (n.type) {
      case 'ConstantNode': {
        const v = n.value;
        if (typeof v === 'boolean') return v ? 1 : 0;
        if (typeof v !== 'number') throw new FormulaError(`uses ${typeof v === 'string' ? 'a string' : `a ${v === null ? 'null' : typeof v} value`}: only numbers are allowed`);
        if (!Number.isFinite(v)) throw new FormulaError(`uses a number that is not finite (${String(v)})`);
        return v;
      }
      case 'SymbolNode': {
        const name = String(n.name);
        if (name === 'x' || name === 'y') return name;
        if (Object.hasOwn(CONSTANTS, name)) return CONSTANTS[name];
        if (Object.hasOwn(FUNCTIONS, name)) throw new FormulaError(`uses the function '${name}' without calling it`);
        throw new FormulaError(`uses an unknown symbol '${cut(name)}': only x, y and the constants ${Object.keys(CONSTANTS).join(', ')}`);
      }
      case 'ParenthesisNode':
        return walk(n.content!);
      case 'BlockNode':
        // A formula on several YAML lines parses as a block: one expression is fine, several statements are not.
        if (n.blocks?.length === 1) return walk(n.blocks[0].node);
        break;
      case 'OperatorNode': {
        const fn = String(n.fn);
        if (!Object.hasOwn(OPERATORS, fn)) throw new FormulaError(`uses ${REFUSED_OPERATORS[fn] ?? `the operator '${cut(String(n.op))}'`}, which a density does not need`);
        const args = n.args ?? [];
        if (args.length !== OPERATORS[fn]) throw new FormulaError(`uses '${cut(String(n.op))}' with ${args.length} operands`);
        return [fn, ...args.map(walk)];
      }
      case 'ConditionalNode':
        return ['?:', walk(n.condition!), walk(n.trueExpr!), walk(n.falseExpr!)];
      case 'RelationalNode': {
        // a < b < c: every comparison holds.
        const p = (n.params ?? []).map(walk);
        const c = n.conditionals ?? [];
        let out: Formula | undefined;
        c.forEach((op, i) => {
          if (!Object.hasOwn(OPERATORS, op)) throw new FormulaError(`uses the comparison '${cut(op)}', which a density does not need`);
          const term: Formula = [op, p[i], p[i + 1]];
          out = out === undefined ? term : ['and', out, term];
        });
        if (out === undefined) throw new FormulaError('has an empty comparison');
        return out;
      }
      case 'FunctionNode': {
        const callee = n.fn as MathNode;
        if (callee?.type !== 'SymbolNode') throw new FormulaError('calls something that is not a function name');
        const name = String(callee.name);
        if (!Object.hasOwn(FUNCTIONS, name)) {
          throw new FormulaError(`calls '${cut(name)}', which is not allowed: only ${Object.keys(FUNCTIONS).join(', ')}`);
        }
        const [lo, hi] = FUNCTIONS[name];
        const args = n.args ?? [];
        if (args.length < lo || args.length > hi) {
          throw new FormulaError(`calls '${name}' with ${args.length} arguments (it takes ${lo === hi ? lo : `${lo} to ${hi}`})`);
        }
        return [name, ...args.map(walk)];
      }
    }
    throw new FormulaError(`uses ${REFUSED_NODES[n.type] ?? `a ${cut(String(n.type))}`}, which a density does not need`);
  };
  return walk(root);
}

/** mathjs's tolerant equality of numbers (relative 1e-12, absolute 1e-15), so that comparisons agree with it. */
function nearlyEqual(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return false;
  if (!Number.isFinite(a) || !Number.isFinite(b) || a === b) return a === b;
  return Math.abs(a - b) <= Math.max(1e-12 * Math.max(Math.abs(a), Math.abs(b)), 1e-15);
}

type Fn = (x: number, y: number) => number;

const UNARY: Record<string, (a: number) => number> = {
  unaryMinus: (a) => -a, unaryPlus: (a) => a, not: (a) => (a ? 0 : 1),
  exp: Math.exp, expm1: Math.expm1, log10: Math.log10, log2: Math.log2, log1p: Math.log1p, sqrt: Math.sqrt, cbrt: Math.cbrt,
  abs: Math.abs, sign: Math.sign, square: (a) => a * a, cube: (a) => a * a * a, floor: Math.floor, ceil: Math.ceil, fix: Math.trunc,
  // mathjs rounds halves away from zero.
  round: (a) => Math.sign(a) * Math.round(Math.abs(a)),
  sin: Math.sin, cos: Math.cos, tan: Math.tan, asin: Math.asin, acos: Math.acos, atan: Math.atan,
  sinh: Math.sinh, cosh: Math.cosh, tanh: Math.tanh, asinh: Math.asinh, acosh: Math.acosh, atanh: Math.atanh,
};

const BINARY: Record<string, (a: number, b: number) => number> = {
  add: (a, b) => a + b, subtract: (a, b) => a - b, multiply: (a, b) => a * b, divide: (a, b) => a / b, pow: Math.pow,
  mod: (a, b) => (b === 0 ? a : a - b * Math.floor(a / b)),
  equal: (a, b) => (nearlyEqual(a, b) ? 1 : 0), unequal: (a, b) => (nearlyEqual(a, b) ? 0 : 1),
  smaller: (a, b) => (a < b && !nearlyEqual(a, b) ? 1 : 0), larger: (a, b) => (a > b && !nearlyEqual(a, b) ? 1 : 0),
  smallerEq: (a, b) => (a < b || nearlyEqual(a, b) ? 1 : 0), largerEq: (a, b) => (a > b || nearlyEqual(a, b) ? 1 : 0),
  and: (a, b) => (a && b ? 1 : 0), or: (a, b) => (a || b ? 1 : 0), xor: (a, b) => (!a !== !b ? 1 : 0),
  log: (a, b) => Math.log(a) / Math.log(b), atan2: Math.atan2,
};

const VARIADIC: Record<string, (v: number[]) => number> = { min: (v) => Math.min(...v), max: (v) => Math.max(...v), hypot: (v) => Math.hypot(...v) };

/**
 * Compiles a checked formula to a closure in x and y (no mathjs, no eval); booleans are 1 and 0, as numbers in
 * mathjs. Values follow real arithmetic: where mathjs would answer a complex number (sqrt(-1)) this gives NaN.
 */
export function compileFormula(f: Formula): Fn {
  if (typeof f === 'number') return () => f;
  if (f === 'x') return (x) => x;
  if (f === 'y') return (_x, y) => y;
  if (!Array.isArray(f) || typeof f[0] !== 'string') throw new FormulaError('is not a checked formula');
  const [op, ...rest] = f;
  const args = (rest as Formula[]).map(compileFormula);
  if (op === '?:' && args.length === 3) {
    const [c, t, e] = args;
    return (x, y) => (c(x, y) ? t(x, y) : e(x, y));
  }
  if (args.length === 1 && Object.hasOwn(UNARY, op)) {
    const g = UNARY[op];
    const [a] = args;
    return (x, y) => g(a(x, y));
  }
  if (op === 'log' && args.length === 1) {
    const [a] = args;
    return (x, y) => Math.log(a(x, y));
  }
  if (args.length === 2 && Object.hasOwn(BINARY, op)) {
    const g = BINARY[op];
    const [a, b] = args;
    return (x, y) => g(a(x, y), b(x, y));
  }
  if (Object.hasOwn(VARIADIC, op) && args.length >= 1) {
    const g = VARIADIC[op];
    const values = new Array<number>(args.length);
    return (x, y) => {
      for (let i = 0; i < args.length; i++) values[i] = args[i](x, y);
      return g(values);
    };
  }
  throw new FormulaError(`is not a checked formula (operation '${cut(String(op))}' with ${args.length} operands)`);
}
