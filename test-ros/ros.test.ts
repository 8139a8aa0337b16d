/**
 * The real-ROS integration test: `npm run test:ros` on a machine with ROS 2 sourced and rclnodejs built, e.g. in the
 * controller image: `docker compose -f docker/compose.yaml run --rm --build test`. Not part of `npm test`.
 *
 * It starts the swarm simulator and the coverage controller as ROS 2 nodes (bin/blob-coverage-*.js, child
 * processes), watches the graph from an rclnodejs node of its own, and checks that commands flow to every robot,
 * that `ros2 param set` changes a live parameter (and refuses an integer for a double), that the swarm spreads
 * (nearest-neighbour distance up, MMD to the target down) and that SIGTERM makes the controller send zero to every
 * robot. Its graph is kept to itself: ROS_DOMAIN_ID 73 (or ROS_TEST_DOMAIN_ID), discovery on this machine only,
 * robots named itest_robot_i, nodes in /blob_coverage_itest. Without a sourced ROS 2, the ros2 command or a built
 * rclnodejs it refuses to run: one failing test that says what is missing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Rcl from 'rclnodejs';
import { boxArea } from '../src/engine/geometry.js';
import { MmdMetric, nearestNeighbourStats } from '../src/engine/metrics.js';
import { createLogger } from '../src/node/log.js';
import { MSG } from '../src/node/messages.js';
import type { Twist } from '../src/node/messages.js';
import { rosNodeHandle } from '../src/ros/adapter.js';
import type { RclModule } from '../src/ros/adapter.js';
import { loadRclnodejs } from '../src/ros/main.js';
import { loadScenario } from '../src/scenario/load.js';
import { scenarioTarget } from '../src/scenario/setup.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROBOTS = 8;
const names = Array.from({ length: ROBOTS }, (_, i) => `itest_robot_${i}`);
const NAMESPACE = '/blob_coverage_itest';
const CONTROLLER = `${NAMESPACE}/blob_coverage_controller`;
const SCENARIO = join(root, 'scenarios', 'demo.yaml');
/** The controller's default max_linear_speed, and the value `ros2 param set` puts in force. */
const DEFAULT_SPEED = 0.22;
const SET_SPEED = 0.08;

// This test's graph: set before rclnodejs initializes (rcl reads them then), inherited by the nodes and ros2.
process.env.ROS_DOMAIN_ID = process.env.ROS_TEST_DOMAIN_ID ?? '73';
if (process.env.ROS_DISTRO === 'humble') process.env.ROS_LOCALHOST_ONLY = '1';
else process.env.ROS_AUTOMATIC_DISCOVERY_RANGE = 'LOCALHOST';

/** Runs a command; never rejects. */
function run(cmd: string, args: string[], timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  return new Promise((done) => {
    execFile(cmd, args, { env: process.env, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      done({ code, out: `${stdout}${stderr}${err && code === null ? String(err.message) : ''}` });
    });
  });
}

/** rclnodejs, or why this machine cannot run the test. */
async function rosOrReason(): Promise<{ rcl: typeof Rcl } | { reason: string }> {
  let rcl: typeof Rcl;
  try {
    rcl = await loadRclnodejs();
  } catch (e) {
    return { reason: (e as Error).message };
  }
  const cli = await run('ros2', ['--help']);
  if (cli.code !== 0) return { reason: 'the ros2 command is not on PATH: source your ROS 2 setup, e.g. `source /opt/ros/jazzy/setup.bash`' };
  return { rcl };
}

const ros = await rosOrReason();
if ('reason' in ros) {
  test('ROS 2 is sourced, with the ros2 command and a built rclnodejs (needed by the real-ROS integration test)', () => {
    assert.fail(`test:ros refuses to run here: ${ros.reason}`);
  });
} else {
  integrationTests(ros.rcl);
}

/** A node started as a child process, with the tail of its output for failure messages. */
interface NodeProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  tail(): string;
}

function startNode(bin: string, rosArgs: string[]): NodeProcess {
  const proc = spawn(process.execPath, [join(root, 'bin', bin), '--ros-args', ...rosArgs], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (d: Buffer) => {
    lines.push(...d.toString().split('\n').filter((l) => l.trim() !== ''));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  return { proc, exited, tail: () => `${bin}:\n${lines.join('\n')}` };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const now = () => performance.now() / 1000;

function integrationTests(rcl: typeof Rcl): void {
  const target = scenarioTarget(loadScenario(SCENARIO));
  const mmd = new MmdMetric(target, 0.05 * Math.sqrt(boxArea(target.domain)));
  /** Latest and first pose of each robot (undefined until its first odometry). */
  const first: ([number, number] | undefined)[] = names.map(() => undefined);
  const last: ([number, number] | undefined)[] = names.map(() => undefined);
  const commands: { robot: number; t: number; twist: Twist }[] = [];
  const reportedMmd: number[] = [];
  let node: Rcl.Node | undefined;
  const nodes: NodeProcess[] = [];
  let controller: NodeProcess | undefined;

  const logs = () => nodes.map((n) => n.tail()).join('\n');
  const positions = (which: ([number, number] | undefined)[]) => Float64Array.from(which.flatMap((p) => p ?? []));
  const speed = (t: Twist) => Math.hypot(t.linear.x, t.linear.y);
  async function waitFor(what: string, seconds: number, ok: () => boolean): Promise<void> {
    const end = now() + seconds;
    while (!ok()) {
      if (now() > end) assert.fail(`${what}: not within ${seconds} s\n${logs()}`);
      await sleep(100);
    }
  }
  /** Commands received in the next `seconds`. */
  async function window(seconds: number): Promise<{ robot: number; t: number; twist: Twist }[]> {
    const from = commands.length;
    await sleep(seconds * 1000);
    return commands.slice(from);
  }
  /** `ros2 param ...`, retried while discovery has not found the controller yet. */
  async function param(...args: string[]): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const r = await run('ros2', ['param', ...args]);
      if (!/node not found/i.test(r.out) || attempt === 10) return r.out;
      await sleep(1000);
    }
  }

  before(async () => {
    await rcl.init();
    node = new rcl.Node('observer', NAMESPACE);
    const handle = rosNodeHandle(rcl as unknown as RclModule, node, createLogger('itest_observer', 'warn'));
    names.forEach((name, i) => {
      handle.createSubscription(MSG.Odometry, `/${name}/odom`, 'sensor', (m) => {
        const p: [number, number] = [m.pose.pose.position.x, m.pose.pose.position.y];
        first[i] ??= p;
        last[i] = p;
      });
      handle.createSubscription(MSG.Twist, `/${name}/cmd_vel`, 'default', (m) => commands.push({ robot: i, t: now(), twist: m }));
    });
    handle.createSubscription(MSG.DiagnosticArray, '/diagnostics', 'sensor', (m) => {
      for (const s of m.status.filter((x) => x.name.startsWith(CONTROLLER))) {
        const v = Number(s.values.find((kv) => kv.key === 'mmd2')?.value);
        if (Number.isFinite(v)) reportedMmd.push(v);
      }
    });
    node.spin();
    const common = ['-r', `__ns:=${NAMESPACE}`, '-p', `robot_count:=${ROBOTS}`, '-p', 'robot_prefix:=itest_robot_'];
    nodes.push(startNode('blob-coverage-simulator.js', ['-r', '__node:=swarm_simulator', '--params-file', join(root, 'config', 'simulator.yaml'), ...common, '-p', `scenario:=${SCENARIO}`]));
    controller = startNode('blob-coverage-controller.js', ['-r', '__node:=blob_coverage_controller', '--params-file', join(root, 'config', 'controller.yaml'), ...common, '-p', `target_file:=${SCENARIO}`]);
    nodes.push(controller);
  });

  after(async () => {
    for (const n of nodes) {
      if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill('SIGTERM');
      const timer = setTimeout(() => n.proc.kill('SIGKILL'), 5000);
      await n.exited;
      clearTimeout(timer);
    }
    node?.destroy();
    rcl.shutdown();
  });

  test('the simulator publishes the odometry of every robot', async () => {
    await waitFor('odometry from every robot', 30, () => last.every((p) => p !== undefined));
  });

  test('the controller commands every robot at its rate, within the default speed limit', async () => {
    await waitFor('a command to every robot', 30, () => names.every((_, i) => commands.some((c) => c.robot === i)));
    const got = await window(2);
    for (let i = 0; i < ROBOTS; i++) assert.ok(got.filter((c) => c.robot === i).length >= 12, `${names[i]}: ${got.filter((c) => c.robot === i).length} commands in 2 s at 10 Hz\n${logs()}`);
    const fastest = Math.max(...got.map((c) => speed(c.twist)));
    assert.ok(fastest <= DEFAULT_SPEED + 1e-9, `fastest command ${fastest} m/s`);
    assert.ok(fastest > 0.15, `the swarm starts in a corner: some robot is sent near ${DEFAULT_SPEED} m/s, got ${fastest}`);
  });

  test('ros2 param set changes max_linear_speed live and refuses an integer for it', async () => {
    assert.match(await param('set', CONTROLLER, 'max_linear_speed', String(SET_SPEED)), /Set parameter successful/);
    assert.match(await param('get', CONTROLLER, 'max_linear_speed'), new RegExp(`Double value is: ${SET_SPEED}`));
    assert.match(await param('set', CONTROLLER, 'max_linear_speed', '1'), /Set parameter failed/);
    assert.match(await param('get', CONTROLLER, 'max_linear_speed'), new RegExp(`Double value is: ${SET_SPEED}`));
    await sleep(500); // the acceleration limit brings the commands down within 0.14 s
    const got = await window(2);
    const fastest = Math.max(...got.map((c) => speed(c.twist)));
    assert.ok(fastest <= SET_SPEED + 1e-9, `fastest command after the change ${fastest} m/s`);
    assert.ok(fastest >= 0.9 * SET_SPEED, `the new limit binds: some robot is still sent ${SET_SPEED} m/s, got ${fastest}`);
  });

  test('the swarm spreads over the target: nearest-neighbour distance up, MMD down', async () => {
    assert.match(await param('set', CONTROLLER, 'max_linear_speed', String(DEFAULT_SPEED)), /Set parameter successful/);
    const start = positions(first);
    const nn0 = nearestNeighbourStats(start).mean;
    const mmd0 = mmd.evaluate(start);
    await waitFor(`spreading from mean nearest-neighbour distance ${nn0.toFixed(3)} m and MMD^2 ${mmd0.toExponential(2)}`, 60, () => {
      const p = positions(last);
      return nearestNeighbourStats(p).mean >= 3 * nn0 && mmd.evaluate(p) <= 0.5 * mmd0;
    });
    assert.ok(reportedMmd.length >= 2, 'the controller publishes its MMD on /diagnostics');
    assert.ok(reportedMmd[reportedMmd.length - 1] < reportedMmd[0], `the controller's own MMD^2 went from ${reportedMmd[0]} to ${reportedMmd[reportedMmd.length - 1]}`);
  });

  test('on SIGTERM the controller sends zero to every robot, then exits 0', async () => {
    assert.ok(controller);
    const signalled = now();
    controller.proc.kill('SIGTERM');
    assert.equal(await controller.exited, 0, controller.tail());
    await sleep(500);
    for (let i = 0; i < ROBOTS; i++) {
      const sent = commands.filter((c) => c.robot === i && c.t >= signalled);
      assert.ok(sent.length > 0, `${names[i]}: no command after SIGTERM`);
      const lastTwist = sent[sent.length - 1].twist;
      assert.deepEqual([lastTwist.linear.x, lastTwist.linear.y, lastTwist.angular.z], [0, 0, 0], `${names[i]}: the last command is not zero`);
    }
  });
}
