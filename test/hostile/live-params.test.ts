/**
 * Hostile live parameters at the in-process controller node, as any `ros2 param set` caller sends them: each is
 * refused with a clean reason that never quotes a file (finding 3) nor a long value, the configuration is unchanged,
 * and the commands that follow are finite. One row per case. Formula targets are left to the formula work.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { CoverageControllerNode } from '../../src/control/controller-node.js';
import { VirtualClock } from '../../src/node/clock.js';
import { InProcessBus } from '../../src/node/inprocess.js';
import type { Logger } from '../../src/node/interface.js';
import type { Twist } from '../../src/node/messages.js';
import { quaternionOfYaw, timeMsg } from '../../src/node/messages.js';
import type { ParamValues } from '../../src/params/schema.js';
import { ROOT, SECRET_TEXT, assertCleanRefusal, hostileFolder } from './harness.js';

const h = hostileFolder();
after(h.cleanup);
const ROBOTS = 3;
const TARGET = '{domain: {xmin: -1, xmax: 1, ymin: -1, ymax: 1}, target: {type: mixture, components: [{type: uniform}]}}';
const CHEAP = join(h.dir, 'cheap.yaml');
writeFileSync(CHEAP, TARGET);

function rig() {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };
  // The target comes from a file, so that a new target_file is read (an inline target would win over it).
  const node = bus.createNode('blob_coverage_controller', { logger: quiet, parameters: { robot_count: ROBOTS, target_file: CHEAP } });
  const ctl = new CoverageControllerNode(node, join(ROOT, 'scenarios', 'demo.yaml'));
  const robots = bus.createNode('robots', { logger: quiet });
  const odom = Array.from({ length: ROBOTS }, (_, i) => robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'));
  const commands: Twist[] = [];
  for (let i = 0; i < ROBOTS; i++) robots.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', (m: Twist) => commands.push(m));
  /** Robots report poses for `seconds`; returns the commands sent meanwhile. */
  const drive = (seconds: number): Twist[] => {
    commands.length = 0;
    const end = clock.now() + seconds;
    while (clock.now() < end - 1e-9) {
      odom.forEach((p, i) =>
        p.publish({ header: { stamp: timeMsg(clock.now()), frame_id: 'map' }, child_frame_id: 'base_link', pose: { pose: { position: { x: -0.5 + 0.4 * i, y: 0.1 * i, z: 0 }, orientation: quaternionOfYaw(0) } }, twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } } }),
      );
      bus.flush();
      clock.advanceTo(clock.now() + 0.05);
    }
    return [...commands];
  };
  return { node, ctl, drive };
}

/** The node's parameters (kept privately by the controller node: the node interface has no getter). */
function values(ctl: CoverageControllerNode): Readonly<Record<string, unknown>> {
  return structuredClone((ctl as unknown as { values: Record<string, unknown> }).values);
}

const secretKey = join(h.dir, 'secret-key.yaml');
writeFileSync(secretKey, 'root$6$c2VjcmV0$hunter2: 1\n');
const secretNested = join(h.dir, 'secret-nested.yaml');
writeFileSync(secretNested, `${TARGET.slice(0, -1)}, "sim": {"root:$6$c2VjcmV0$hunter2": 1}}\n`);
const BIG = 'x'.repeat(10_000_000);

interface ParamCase {
  readonly name: string;
  readonly updates: ParamValues;
  /** What the reason must say. */
  readonly says: RegExp;
}

const CASES: readonly ParamCase[] = [
  { name: 'target_file: a file shaped like /etc/shadow (its first line was returned)', updates: { target_file: h.secret }, says: /shadow: 'target_file' is not (valid YAML|a scenario)/ },
  { name: 'target_file: a mapping whose key is a secret', updates: { target_file: secretKey }, says: /'target_file' is not a scenario: it has a top-level key that is not one of its keys/ },
  { name: 'target_file: a secret nested key', updates: { target_file: secretNested }, says: /'target_file: sim' has a key that is not one of its keys/ },
  { name: 'target_file: /dev/zero', updates: { target_file: '/dev/zero' }, says: /'target_file' scenario file is not a regular file/ },
  ...(h.fifo ? [{ name: 'target_file: a FIFO', updates: { target_file: h.fifo }, says: /'target_file' scenario file is not a regular file/ }] : []),
  { name: 'target_file: a folder', updates: { target_file: h.dir }, says: /'target_file' scenario file is not a regular file/ },
  { name: 'target_file: a 10 MB path', updates: { target_file: BIG }, says: /parameter 'target_file' is longer than 4096 characters/ },
  { name: 'target: a 10 MB value (echoed whole before)', updates: { target: BIG }, says: /parameter 'target' is longer than 65536 characters/ },
  { name: 'target: a 60 kB target type', updates: { target: `{domain: {xmin: 0, xmax: 1, ymin: 0, ymax: 1}, target: {type: ${'t'.repeat(60_000)}}}` }, says: /'target: target\.type' must be one of 'mixture', 'expression', 'map', got a string of 60000 characters/ },
  { name: 'target: not YAML', updates: { target: '{domain: [' }, says: /'target' is not valid YAML/ },
  { name: 'target: a map that is a secret file', updates: { target: `{target: {type: map, map: ${h.secret}}}` }, says: /'target: target\.map' .*shadow: is not (valid YAML|a map)/ },
  { name: 'drive: a 10 MB choice', updates: { drive: BIG }, says: /parameter 'drive' must be one of holonomic, diff_drive, got 'x{40}\.\.\.'/ },
  { name: 'a 10 MB unknown name', updates: { [BIG]: 1 }, says: /unknown parameter 'x{40}\.\.\.'/ },
  { name: 'diffusivity 1e308', updates: { diffusivity: 1e308 }, says: /parameter 'diffusivity' must be <= 1000000/ },
  { name: 'rate NaN', updates: { rate: NaN }, says: /parameter 'rate' must be a finite double/ },
  { name: 'epsilon too fine for the grid', updates: { epsilon: 1e-5 }, says: /parameter 'epsilon' .* is below 0\.005 x the domain's size/ },
  { name: 'a read-only parameter', updates: { robot_count: 1000 }, says: /parameter 'robot_count' is read-only/ },
  { name: 'a list of a million names', updates: { robot_names: Array(1_000_000).fill('a b') }, says: /parameter 'robot_names' is read-only/ },
];

test('hostile live parameters are refused cleanly (at once, or when built aside), the configuration is unchanged, commands stay finite', async () => {
  const r = rig();
  assert.ok(r.drive(0.3).length > 0, 'commands flow before');
  const problems: string[] = [];
  for (const c of CASES) {
    const before = values(r.ctl);
    const law = r.ctl.controller.currentLaw;
    let verdict = r.node.setParameters(c.updates);
    try {
      // A change that passes the quick checks is built aside; a build that fails is refused there, and restored.
      if (verdict.successful) {
        await r.ctl.whenSettled();
        const status = r.ctl.targetStatus;
        if (status.state === 'refused') verdict = { successful: false, reason: status.reason };
      }
      assert.equal(verdict.successful, false, 'refused');
      assertCleanRefusal(verdict.reason, 'reason');
      assert.match(verdict.reason, c.says);
      assert.deepEqual(values(r.ctl), before, 'parameters unchanged');
      assert.equal(r.ctl.controller.currentLaw, law, 'the law and its target unchanged');
      const after = r.drive(0.2);
      assert.equal(after.length, ROBOTS * 2, 'one command per robot per tick');
      assert.ok(after.every((m) => [m.linear.x, m.linear.y, m.angular.z].every(Number.isFinite)), 'finite commands');
    } catch (e) {
      problems.push(`${c.name}: ${(e as Error).message.split('\n')[0].slice(0, 300)}`);
    }
  }
  assert.deepEqual(problems, []);
  r.ctl.close();
});
