import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FormulaError, MAX_FORMULA_DEPTH, MAX_FORMULA_LENGTH, MAX_FORMULA_NODES, compileFormula, parseFormula } from '../../src/engine/target/formula.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function refusal(expr: string): string {
  try {
    parseFormula(expr);
  } catch (e) {
    assert.ok(e instanceof FormulaError, `${expr}: ${String(e)}`);
    return e.problem;
  }
  assert.fail(`'${expr}' was accepted`);
}

test("the red team's formulas are refused before anything runs, naming the construct", () => {
  assert.match(refusal('size(ones(1e5,1e5))[1]'), /uses indexing or property access/);
  assert.match(refusal('sum(1:2000)*0+1'), /calls 'sum', which is not allowed/);
});

test('everything a density does not need is refused with the construct named', () => {
  const cases: [string, RegExp][] = [
    ['[x, y]', /a matrix or list/],
    ['1:3', /a range/],
    ['x[1]', /indexing/],
    ['a.b', /indexing or property access/],
    ['a = 1', /an assignment/],
    ['f(x) = x^2', /a function definition/],
    ['{a: 1}', /an object/],
    ['x; y', /several statements/],
    ['"abc"', /a string/],
    ['null', /a null value/],
    ['5 cm', /unknown symbol 'cm'/],
    ['x to cm', /a unit conversion/],
    ['x!', /the factorial/],
    ["x'", /a transpose/],
    ['x .* y', /element-wise/],
    ['x & y', /the operator '&'/],
    ['evaluate("1+1")', /calls 'evaluate', which is not allowed/],
    ['import({}, {})', /calls 'import'/],
    ['createUnit("foo")', /calls 'createUnit'/],
    ['parse("x")', /calls 'parse'/],
    ['exp', /the function 'exp' without calling it/],
    ['atan2(x)', /calls 'atan2' with 1 arguments \(it takes 2\)/],
    ['exp(x, y)', /calls 'exp' with 2 arguments/],
    ['NaN', /not finite/],
    ['1e999 * x', /not finite/],
    ['x +* y', /does not parse/],
  ];
  for (const [expr, pattern] of cases) assert.match(refusal(expr), pattern, expr);
});

test('length, size and nesting are bounded, and a refusal echoes at most a few dozen characters', () => {
  assert.match(refusal('x+'.repeat(MAX_FORMULA_LENGTH) + '1'), new RegExp(`more than ${MAX_FORMULA_LENGTH}`));
  assert.match(refusal(Array.from({ length: MAX_FORMULA_NODES }, () => 'x').join('+')), new RegExp(`more than ${MAX_FORMULA_NODES} terms`));
  assert.match(refusal('('.repeat(MAX_FORMULA_DEPTH + 1) + 'x' + ')'.repeat(MAX_FORMULA_DEPTH + 1)), /nests brackets more than/);
  const secret = 'root_abcdefghijklmnopqrstuvwxyz_0123456789_abcdefghijklmnopqrstuvwxyz';
  for (const expr of [`${secret} + x`, `${secret}(x)`, `x + "${secret}"`]) {
    const problem = refusal(expr);
    assert.ok(!problem.includes(secret.slice(0, 40)), problem);
    assert.ok(problem.length < 400, problem);
  }
});

test('allowed formulas compile to closures that agree with mathjs', () => {
  const require = createRequire(import.meta.url);
  const math = require('mathjs/number') as { evaluate: (e: string, scope: object) => unknown };
  const formulas = [
    'exp(-((sqrt(x^2 + y^2) - 0.6)^2) / (2 * 0.1^2)) + 0.05',
    '2x + 3y^2 - -2^2',
    '(x > 0 ? 2 : 0.5) + (0 < y < 0.3) * 4',
    'x % 0.3 + mod(-y, 0.7) + mod(x, 0)',
    'round(x * 4.5) + fix(-y * 3.3) + floor(x) + ceil(y)',
    'max(x, y, 0.1) - min(abs(x), 2) + hypot(x, y, 1)',
    'atan2(y, x) + log(2 + x, 3) + log(3 + y) + log10(4) + log2(8) + log1p(x^2)',
    'sin(pi x) cos(tau y) tan(0.3) + sinh(x) + cosh(y) + tanh(x y) + asinh(x) + acosh(2 + y^2) + atanh(x / 2)',
    'asin(x / 2) + acos(y / 2) + atan(x) + cbrt(y) + square(x) + cube(y) + sign(x) + expm1(y) + pow(2, x)',
    '(x == y) + (x != 0.25) + (x <= 0) + (y >= 0) + (x and y) + (x or 0) + (x xor y) + not x + not 0',
    '50% + e - E + phi + LN2 + SQRT1_2 + true + false',
    '1 + (x > 0.2 and y < -0.1 ? x^2 : (y > 0.5 or x < -0.5) ? 0.5 : 2)',
    '0.1 + 0.3 == 0.4',
  ];
  const points = [[0.25, 0.25], [-0.5, 0.3], [0.7, -0.9], [0, 0], [-0.45, 0.45], [0.9, 0.1]];
  for (const expr of formulas) {
    const f = compileFormula(parseFormula(expr));
    for (const [x, y] of points) {
      const want = math.evaluate(expr, { x, y });
      const w = typeof want === 'boolean' ? Number(want) : (want as number);
      const got = f(x, y);
      assert.ok(Math.abs(got - w) <= 1e-12 * Math.max(1, Math.abs(w)), `${expr} at (${x}, ${y}): ${got}, mathjs ${String(want)}`);
    }
  }
  // Where mathjs answers a complex number, a density is not a number.
  assert.ok(Number.isNaN(compileFormula(parseFormula('sqrt(x)'))(-1, 0)));
  // A formula over several YAML lines is one expression.
  assert.equal(compileFormula(parseFormula('1 +\n x'))(2, 0), 3);
  assert.throws(() => compileFormula(['system', 1] as never), /not a checked formula/);
  // The public number-only build (the fallback if mathjs's internal layout changes) yields the same checked trees.
  const parse = (require('mathjs/number') as { parse: (e: string) => unknown }).parse;
  for (const expr of formulas) assert.deepEqual(parseFormula(expr, parse), parseFormula(expr), expr);
  assert.match(refusalWith('sum(1:2000)*0+1', parse), /calls 'sum'/);
});

function refusalWith(expr: string, parse: (e: string) => unknown): string {
  try {
    parseFormula(expr, parse);
  } catch (e) {
    return (e as FormulaError).problem;
  }
  return 'accepted';
}

test('mathjs is loaded only when a formula is compiled: no module imports it eagerly', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.push(p);
    }
  };
  walk(join(root, 'src'));
  for (const f of files) {
    const eager = readFileSync(f, 'utf8').match(/^import (?!type )[^;]*from 'mathjs[^']*';/m);
    assert.equal(eager, null, `${f} imports mathjs at load time`);
  }
  // Run in a fresh process: the CLI, the controller and a mixture scenario leave mathjs unloaded; a formula loads it.
  const script = `
    import { createRequire } from 'node:module';
    const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/mathjs/'));
    await import('./src/cli/main.ts');
    await import('./src/control/controller-node.ts');
    const { loadScenario } = await import('./src/scenario/load.ts');
    const { scenarioTarget } = await import('./src/scenario/setup.ts');
    scenarioTarget(loadScenario('scenarios/demo.yaml'));
    const before = loaded();
    scenarioTarget(loadScenario('scenarios/ring.yaml'));
    console.log(JSON.stringify({ before, after: loaded() }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out.trim().split('\n').at(-1)!), { before: false, after: true });
});
