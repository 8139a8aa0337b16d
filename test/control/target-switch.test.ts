import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setImmediate as turn } from 'node:timers/promises';
import { CoverageControllerNode } from '../../src/control/controller-node.js';
import { LawBuilder } from '../../src/control/laws/law-builder.js';
import { VirtualClock } from '../../src/node/clock.js';
import { InProcessBus } from '../../src/node/inprocess.js';
import type { Logger } from '../../src/node/interface.js';
import type { DiagnosticArray, OccupancyGrid } from '../../src/node/messages.js';
import { quaternionOfYaw, timeMsg } from '../../src/node/messages.js';
import type { ParamValues } from '../../src/params/schema.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const demo = join(root, 'scenarios', 'demo.yaml');
/** A formula on a fine density grid (250,000 cells): a slow target that is allowed. */
const SLOW = {
  target: '{domain: {xmin: -1, xmax: 1, ymin: -1, ymax: 1}, target: {type: expression, expr: "1 + exp(-(x^2 + y^2) / 0.1) * (2 + sin(20 x) * cos(20 y))"}}',
  density_resolution: 0.004,
};

/** One worker for the tests that need no limits of their own (a worker's start under tsx costs a second or two). */
const shared = new LawBuilder();
test.after(() => shared.close());

function setup(parameters: ParamValues = {}, builder?: LawBuilder) {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const errors: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn() {}, error: (m) => errors.push(m) };
  const node = bus.createNode('blob_coverage_controller', { logger, parameters: { robot_count: 3, rate: 10, ...parameters } });
  const ctl = new CoverageControllerNode(node, demo, builder ? { builder } : {});
  const robots = bus.createNode('robots', { logger });
  const odom = [0, 1, 2].map((i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  let commands = 0;
  robots.createSubscription('geometry_msgs/msg/Twist', '/robot_0/cmd_vel', 'command', () => commands++);
  const densities: OccupancyGrid[] = [];
  robots.createSubscription('nav_msgs/msg/OccupancyGrid', '/blob_coverage_controller/target_density', 'latched', (m) => densities.push(m));
  const diagnostics: DiagnosticArray[] = [];
  robots.createSubscription('diagnostic_msgs/msg/DiagnosticArray', '/diagnostics', 'default', (m) => diagnostics.push(m));
  /** One control period: every robot reports, the clock moves on (the controller ticks once). */
  const period = () => {
    const t = clock.now();
    odom.forEach((p, i) =>
      p.publish({
        header: { stamp: timeMsg(t), frame_id: 'map' },
        child_frame_id: 'base_link',
        pose: { pose: { position: { x: -0.5 + 0.2 * i, y: -0.5, z: 0 }, orientation: quaternionOfYaw(0) } },
        twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } },
      }),
    );
    clock.advanceTo(t + 0.1);
  };
  const values = () => (ctl as unknown as { values: ParamValues }).values;
  const state = (): string => ctl.targetStatus.state;
  const reason = (): string => (ctl.targetStatus as { reason?: string }).reason ?? '';
  return { clock, bus, node, ctl, errors, densities, diagnostics, period, values, state, reason, commands: () => commands };
}

test("the red team's formulas are refused by set_parameters at once, before anything evaluates them", () => {
  const { node, ctl, state } = setup();
  const law = ctl.controller.currentLaw;
  for (const [expr, pattern] of [['size(ones(1e5,1e5))[1]', /uses indexing or property access/], ['sum(1:2000)*0+1', /calls 'sum', which is not allowed/]] as const) {
    const r = node.setParameters({ target: `{domain: {xmin: -1, xmax: 1, ymin: -1, ymax: 1}, target: {type: expression, expr: "${expr}"}}` });
    assert.equal(r.successful, false, expr);
    assert.match((r as { reason: string }).reason, pattern);
    assert.match((r as { reason: string }).reason, /^'target: target\.expr'/, 'the reason names the parameter and the key');
  }
  assert.equal(state(), 'ok', 'nothing was sent to build');
  assert.equal(ctl.controller.currentLaw, law);
  ctl.close();
});

test('a slow but allowed target is built aside: the controller ticks on its last good law meanwhile, then switches', async () => {
  const { bus, node, ctl, period, state, densities, commands } = setup({}, shared);
  // Warm the worker up first, so that what runs aside below is the build itself.
  assert.deepEqual(node.setParameters({ epsilon: 0.3 }), { successful: true });
  await ctl.whenSettled();
  const law = ctl.controller.currentLaw;
  assert.deepEqual(node.setParameters(SLOW), { successful: true });
  let ticks = 0;
  const before = commands();
  while (state() === 'building') {
    assert.equal(ctl.controller.currentLaw, law, 'the last good law commands while the new one builds');
    period();
    ticks++;
    await turn();
  }
  assert.ok(ticks >= 10, `only ${ticks} control periods ran during the build`);
  assert.equal(commands() - before, ticks, 'one command per period, every period, while the target was built aside');
  assert.equal(state(), 'ok');
  assert.notEqual(ctl.controller.currentLaw, law);
  assert.ok(Math.abs(ctl.controller.currentLaw.target.valueAt(0, 0) - 3) < 1e-12, 'the new target is in force');
  bus.flush();
  const latched = densities.at(-1)!;
  assert.ok(Math.abs(latched.info.resolution - 0.004) < 1e-12 && latched.data.length === 500 * 500, 'the new density grid is latched');
  ctl.close();
});

test('a build over its time limit is refused: ERROR, /diagnostics, the parameter restored, the last good target kept', async () => {
  const { node, ctl, errors, diagnostics, period, values, state, reason } = setup({}, new LawBuilder({ timeLimit: 0.01 }));
  const law = ctl.controller.currentLaw;
  assert.deepEqual(node.setParameters(SLOW), { successful: true });
  await ctl.whenSettled();
  assert.equal(state(), 'refused');
  assert.match(reason(), /took longer than its time limit \(0\.01 s\)/);
  assert.ok(errors.some((e) => /change of target, density_resolution refused: .*time limit/.test(e)), errors.join('\n'));
  assert.equal(ctl.controller.currentLaw, law, 'the last good law is still in force');
  assert.equal(values().target, '', 'target is back to its last good value');
  assert.equal(values().density_resolution, 0.05, 'and so is density_resolution');
  for (let k = 0; k < 11; k++) period();
  const status = diagnostics.at(-1)!.status[0];
  assert.equal(status.level, 1);
  assert.match(status.message, /change of target, density_resolution refused/);
  assert.match(status.values.find((kv) => kv.key === 'target status')!.value, /^refused target, density_resolution \(restored\): .*time limit/);
  ctl.close();
});

test('a build over its memory limit is refused, and the next change builds in a new worker', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-switch-'));
  try {
    // A valid mixture too large for a 24 MB heap: 20,000 components, 1.4 MB of YAML.
    const lines = ['domain: {xmin: -1, xmax: 1, ymin: -1, ymax: 1}', 'target:', '  type: mixture', '  components:'];
    for (let i = 0; i < 20_000; i++) lines.push(`    - {type: gaussian, weight: ${(1 + (i % 7)) / 7}, mean: [${((i % 173) / 86.5 - 1).toFixed(4)}, ${((i % 131) / 65.5 - 1).toFixed(4)}], sigma: 0.1}`);
    const big = join(dir, 'big.yaml');
    writeFileSync(big, lines.join('\n') + '\n');
    const { node, ctl, values, state, reason } = setup({}, new LawBuilder({ memoryMb: 24, timeLimit: 120 }));
    const law = ctl.controller.currentLaw;
    assert.deepEqual(node.setParameters({ target_file: big }), { successful: true });
    await ctl.whenSettled();
    assert.equal(state(), 'refused');
    assert.match(reason(), /ran out of memory \(limit 24 MB of heap\)/);
    assert.equal(ctl.controller.currentLaw, law);
    assert.equal(values().target_file, '');
    assert.deepEqual(node.setParameters({ target_file: join(root, 'scenarios', 'ring.yaml') }), { successful: true });
    await ctl.whenSettled();
    assert.equal(state(), 'ok');
    assert.equal(ctl.controller.currentLaw.target.spec.type, 'expression');
    ctl.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a newer change supersedes a build in flight; a change undone before its build ends builds nothing', async () => {
  const { node, ctl, state, values } = setup({}, shared);
  const law = ctl.controller.currentLaw;
  assert.deepEqual(node.setParameters(SLOW), { successful: true });
  assert.deepEqual(node.setParameters({ algorithm: 'lloyd' }), { successful: true });
  await ctl.whenSettled();
  assert.equal(state(), 'ok');
  const lloyd = ctl.controller.currentLaw;
  assert.equal(lloyd.algorithm, 'lloyd');
  assert.ok(Math.abs(lloyd.target.valueAt(0, 0) - 3) < 1e-12, 'the superseded target change is built with the newer one');
  assert.notEqual(lloyd, law);
  assert.deepEqual(node.setParameters({ epsilon: 0.3 }), { successful: true });
  assert.deepEqual(node.setParameters({ epsilon: 0 }), { successful: true });
  assert.equal(state(), 'ok', 'back to the values in force: nothing to build');
  await ctl.whenSettled();
  assert.equal(ctl.controller.currentLaw, lloyd);
  assert.equal(values().epsilon, 0);
  ctl.close();
});

test('the build worker runs from the built JavaScript (dist/) too', () => {
  assert.ok(existsSync(join(root, 'dist', 'control', 'laws', 'law-build-worker.js')), 'dist/ is missing: `npm test` builds it first (npm run build)');
  const script = `
    import { LawBuilder } from './dist/control/laws/law-builder.js';
    import { lawSettings } from './dist/control/controller-node.js';
    import { CONTROLLER_SCHEMA } from './dist/params/controller.js';
    import { defaults } from './dist/params/schema.js';
    const b = new LawBuilder();
    const request = (file) => ({ source: { inline: '', file, fallback: 'scenarios/demo.yaml' }, law: lawSettings(defaults(CONTROLLER_SCHEMA)), robots: 50, densityResolution: 0.05 });
    const ok = await b.build(request('scenarios/ring.yaml'));
    const bad = await b.build(request('scenarios/no-such.yaml'));
    b.close();
    console.log(JSON.stringify({ ok: ok.ok, type: ok.ok && ok.target.spec.type, arrays: ok.ok && ok.target.cache.length, bad: bad.ok ? '' : bad.reason }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').at(-1)!) as { ok: boolean; type: string; arrays: number; bad: string };
  assert.equal(r.ok, true);
  assert.equal(r.type, 'expression');
  assert.ok(r.arrays >= 5, `${r.arrays} arrays came back`);
  assert.match(r.bad, /scenario file not found/);
});
