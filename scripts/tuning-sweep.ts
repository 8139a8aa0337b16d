/**
 * `npm run study:tuning`: the standalone demo (scenarios/demo.yaml, 100 holonomic robots, 20 s) with one controller
 * parameter changed at a time, to back the rules of thumb of docs/tuning.md. For each setting: the final squared MMD
 * to the target (and at 5 s), the time the MMD^2 first comes within 2x of its final value (settling), the closest pair over the
 * run, the fastest command in the last 5 s (a swarm that still moves there has not settled), and the diffusivity the
 * controller applied (the cap 2 eps^2 x rate). Prints a markdown table; `--quick` runs only a few rows.
 */
import { join, resolve } from 'node:path';
import { BlobLaw, STABLE_STEP } from '../src/control/laws/blob-law.js';
import { createLogger } from '../src/node/log.js';
import { loadScenario } from '../src/scenario/load.js';
import { runStandalone } from '../src/standalone/run.js';
import type { ParamValues } from '../src/params/schema.js';

const root = resolve(import.meta.dirname, '..');
const path = join(root, 'scenarios', 'demo.yaml');

/** The rows: a label and the controller parameters changed from the demo's. */
const ROWS: readonly [string, ParamValues][] = [
  ['defaults', {}],
  ['epsilon 0.035 m', { epsilon: 0.035 }],
  ['epsilon 0.14 m', { epsilon: 0.14 }],
  ['diffusivity 0.01', { diffusivity: 0.01 }],
  ['diffusivity 0.05', { diffusivity: 0.05 }],
  ['diffusivity 100', { diffusivity: 100.0 }],
  ['rate 5 Hz', { rate: 5.0 }],
  ['rate 20 Hz', { rate: 20.0 }],
  ['max_linear_speed 0.1', { max_linear_speed: 0.1 }],
  ['max_linear_speed 0.5', { max_linear_speed: 0.5 }],
  ['max_linear_accel 0.2', { max_linear_accel: 0.2 }],
  ['max_linear_accel 5', { max_linear_accel: 5.0 }],
  ['safety_gain 0.5', { safety_gain: 0.5 }],
  ['safety_gain 10', { safety_gain: 10.0 }],
  ['safety_clearance 0.03', { safety_clearance: 0.03 }],
];

const quick = process.argv.includes('--quick');
const rows = quick ? ROWS.slice(0, 3) : ROWS;
const scenario = loadScenario(path);
const lines = [
  '| setting | MMD² at 5 s | MMD² at 20 s | settles (s) | closest pair (m) | fastest command, last 5 s (m/s) | eps (m) | D applied (m²/s) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
for (const [label, controller] of rows) {
  const r = runStandalone({ scenarioPath: path, scenario, drive: 'holonomic', controller, logger: (name) => createLogger(name, 'error') });
  const h = r.history;
  const last = h[h.length - 1];
  const settle = h.find((s) => s.mmd2 <= 2 * last.mmd2)?.t ?? NaN;
  const closest = Math.min(...h.map((s) => s.nnMin));
  const late = Math.max(...h.filter((s) => s.t >= last.t - 5).map((s) => s.maxCommand));
  const rate = Number(controller.rate ?? 10);
  const D = Number(controller.diffusivity ?? scenario.blob.diffusivity);
  const eps = new BlobLaw(r.target, { method: 'multiscale', epsilon: Number(controller.epsilon ?? 0), diffusivity: D }).epsilonFor(r.final.length / 2);
  const diagnostics = { epsilon: eps, diffusivity: Math.min(D, STABLE_STEP * eps * eps * rate) };
  const at5 = h.find((s) => s.t >= 5)!.mmd2;
  lines.push(`| ${label} | ${at5.toExponential(1)} | ${last.mmd2.toExponential(1)} | ${settle.toFixed(1)} | ${closest.toFixed(3)} | ${late.toFixed(3)} | ${diagnostics.epsilon.toFixed(3)} | ${diagnostics.diffusivity.toPrecision(2)} |`);
  process.stderr.write(`${label} done\n`);
}
process.stdout.write(lines.join('\n') + '\n');

