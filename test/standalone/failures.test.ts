import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { MmdMetric, createRng } from '../../src/engine/index.js';
import type { Logger } from '../../src/node/interface.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { createStandalone } from '../../src/standalone/run.js';

const demoPath = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', 'scenarios', 'demo.yaml');
const quiet = (): Logger => ({ debug() {}, info() {}, warn() {}, error() {} });

function demo(count: number) {
  const doc = parse(readFileSync(demoPath, 'utf8'));
  doc.robots.count = count;
  return parseScenario(doc, () => {
    throw new Error('no maps');
  });
}

/** Positions of the robots flagged alive. */
function living(p: Float64Array, alive: Uint8Array): Float64Array {
  const out: number[] = [];
  alive.forEach((a, i) => (a ? out.push(p[2 * i], p[2 * i + 1]) : undefined));
  return Float64Array.from(out);
}

test('after 20% of the robots die mid-run, the other 80 cover the target as well as 80 robots that never failed', () => {
  const duration = 40;
  // 100 robots; at 15 s, 20 chosen at random die where they are (silent, motionless: obstacles for the others).
  const faulty = createStandalone({ scenario: demo(100), scenarioPath: demoPath, drive: 'holonomic', logger: quiet });
  const mmd = new MmdMetric(faulty.target, demo(100).metrics.mmdBandwidth);
  faulty.clock.advanceTo(15);
  const rng = createRng(21);
  const victims = new Set<number>();
  while (victims.size < 20) victims.add(Math.floor(rng.next() * 100));
  faulty.sim.kill([...victims]);
  const atDeath = mmd.evaluate(living(faulty.sim.positions(), faulty.sim.alive()));
  faulty.clock.advanceTo(16);
  // The dead robots left the swarm's mass: the controller sees 80 live robots.
  assert.equal(faulty.controller.controller.livePositions(faulty.clock.now()).length, 160);
  faulty.clock.advanceTo(duration);
  const survivors = mmd.evaluate(living(faulty.sim.positions(), faulty.sim.alive()));
  // The same run with 80 robots and no failure.
  const clean = createStandalone({ scenario: demo(80), scenarioPath: demoPath, drive: 'holonomic', logger: quiet });
  clean.clock.advanceTo(duration);
  const reference = mmd.evaluate(clean.sim.positions());
  // Measured: survivors 1.4e-3 (4.1e-3 just after the deaths), reference 1.4e-3.
  assert.ok(survivors < atDeath, `the survivors filled the gaps: ${atDeath} -> ${survivors}`);
  assert.ok(survivors <= 1.5 * reference, `survivors ${survivors} against ${reference} for 80 robots without failures`);
});

test('a robot that stops reporting rejoins the swarm when it reports again', () => {
  const s = createStandalone({ scenario: demo(30), scenarioPath: demoPath, drive: 'holonomic', logger: quiet });
  s.clock.advanceTo(5);
  s.sim.kill([3]);
  s.clock.advanceTo(7);
  const live = () => s.controller.controller.livePositions(s.clock.now()).length / 2;
  assert.equal(live(), 29);
  const stopped = s.sim.positions().slice(6, 8);
  s.sim.revive([3]);
  s.clock.advanceTo(12);
  assert.equal(live(), 30);
  const moved = Math.hypot(s.sim.positions()[6] - stopped[0], s.sim.positions()[7] - stopped[1]);
  assert.ok(moved > 0.01, `the revived robot is driven again (moved ${moved} m)`);
});

test('poses delayed beyond pose_timeout make their robots stale (stopped), judged by the header stamp', () => {
  const warnings: string[] = [];
  const logger = (): Logger => ({ debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} });
  const late = createStandalone({ scenario: demo(10), scenarioPath: demoPath, drive: 'holonomic', logger, simulator: { pose_delay: 0.8 } });
  late.clock.advanceTo(3);
  assert.equal(late.controller.controller.livePositions(late.clock.now()).length, 0, 'every pose is 0.8 s old: nobody is live');
  assert.ok(warnings.some((w) => /poses of robot_\d arrive 0\.8\d* s after their stamp/.test(w)), warnings.join('\n'));
  const start = late.initial;
  const p = late.sim.positions();
  for (let i = 0; i < p.length; i++) assert.equal(p[i], start[i], 'stale robots are not driven');
  // A delay within the timeout: the swarm is driven.
  const ok = createStandalone({ scenario: demo(10), scenarioPath: demoPath, drive: 'holonomic', logger, simulator: { pose_delay: 0.2 } });
  ok.clock.advanceTo(3);
  assert.equal(ok.controller.controller.livePositions(ok.clock.now()).length, 20);
  assert.ok(ok.sim.positions().some((v, i) => Math.abs(v - ok.initial[i]) > 0.01));
});
