/**
 * The real-ROS integration test: `npm run test:ros` on a machine with ROS 2 sourced and rclnodejs built (the
 * from-source Jazzy of docs/real-graph.md, or the controller image: `docker compose -f docker/compose.yaml run --rm
 * --build test`). Not part of `npm test`: CI has no ROS.
 *
 * It starts simulators and coverage controllers as ROS 2 nodes (bin/blob-coverage-*.js, child processes), watches
 * the graph from an rclnodejs node of its own, and drives them with the ros2 command line as a user would. It
 * checks: odometry and /tf from the simulator; commands at the rate within the limits; `ros2 param set` accepted,
 * and every kind of refusal coming back with the node's own reason; `ros2 param describe` showing the range;
 * `ros2 topic pub --once` on the emergency stop stopping every robot within one control period, with no QoS
 * warning, and the ~/emergency_stop service; one log line per message and no JSON; the swarm spreading and
 * /diagnostics reaching OK; a pose in the wrong frame holding its robot at zero with /diagnostics ERROR; two swarms
 * in two namespaces on one graph, each its own; two controller instances sharing one swarm (owned_robots), one
 * killed and restarted; three with the regional exchange (deposits and pose tiles), one killed and restarted;
 * SIGTERM sending zero to every robot. Its graph is kept to itself:
 * ROS_DOMAIN_ID 73 (or ROS_TEST_DOMAIN_ID), discovery on this machine only. Without a sourced ROS 2, the ros2
 * command or a built rclnodejs it refuses to run: one failing test that says what is missing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as Rcl from 'rclnodejs';
import { boxArea } from '../src/engine/target/geometry.js';
import { MmdMetric, nearestNeighbourStats } from '../src/engine/metrics/metrics.js';
import { MSG } from '../src/node/messages.js';
import type { DiagnosticStatus, Float32MultiArray, Odometry, TFMessage, Twist } from '../src/node/messages.js';
import { quaternionOfYaw, timeMsg } from '../src/node/messages.js';
import { rosNodeHandle } from '../src/ros/adapter.js';
import type { RclModule } from '../src/ros/adapter.js';
import { loadRclnodejs } from '../src/ros/main.js';
import { loadScenario } from '../src/scenario/load.js';
import { scenarioTarget } from '../src/scenario/setup.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROBOTS = 8;
const PREFIX = 'itest_robot_';
const names = Array.from({ length: ROBOTS }, (_, i) => `${PREFIX}${i}`);
/** Swarm A (the main one), swarm B (a second swarm with the same robot names), and a frame-check controller. */
const NS_A = '/itest_a';
const NS_B = '/itest_b';
const NS_FRAMES = '/itest_frames';
/** A swarm commanded by two controller instances (owned_robots). */
const NS_SHARDS = '/itest_shards';
/** A swarm commanded by three controller instances with the regional exchange (pose_exchange regional). */
const NS_REGIONAL = '/itest_regional';
/** A swarm whose controller takes every pose from the simulator's /tf (pose_type tf). */
const NS_TF = '/itest_tf';
const CONTROLLER = `${NS_A}/blob_coverage_controller`;
const SCENARIO = join(root, 'scenarios', 'demo.yaml');
const PARAMS = join(root, 'config', 'blob_coverage.yaml');
/** The controller's default max_linear_speed, and the value `ros2 param set` puts in force. */
const DEFAULT_SPEED = 0.22;
const SET_SPEED = 0.08;
const PERIOD = 0.1;

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

/** A node started as a child process, with every line of its output. */
interface NodeProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly lines: string[];
  tail(): string;
}

function startNode(bin: string, rosArgs: string[]): NodeProcess {
  const proc = spawn(process.execPath, [join(root, 'bin', bin), '--ros-args', ...rosArgs], { cwd: root, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (d: Buffer) => lines.push(...d.toString().split('\n').filter((l) => l.trim() !== ''));
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  const exited = new Promise<number | null>((done) => proc.on('exit', (code) => done(code)));
  return { proc, exited, lines, tail: () => `${bin} ${rosArgs.join(' ')}:\n${lines.slice(-30).join('\n')}` };
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** Wall-clock seconds: comparable with the time stamps of ROS log lines. */
const now = () => Date.now() / 1000;

/** What the observer sees of one swarm: poses, commands, diagnostics. */
class SwarmWatch {
  readonly first: ([number, number] | undefined)[] = names.map(() => undefined);
  readonly last: ([number, number] | undefined)[] = names.map(() => undefined);
  readonly commands: { robot: number; t: number; twist: Twist }[] = [];
  readonly diagnostics: { t: number; status: DiagnosticStatus }[] = [];
  positions(which: ([number, number] | undefined)[] = this.last): Float64Array {
    return Float64Array.from(which.flatMap((p) => p ?? []));
  }
  /** Commands received in the next `seconds`. */
  async window(seconds: number): Promise<{ robot: number; t: number; twist: Twist }[]> {
    const from = this.commands.length;
    await sleep(seconds * 1000);
    return this.commands.slice(from);
  }
}

const speed = (t: Twist) => Math.hypot(t.linear.x, t.linear.y);
const isZero = (t: Twist) => t.linear.x === 0 && t.linear.y === 0 && t.angular.z === 0;

function integrationTests(rcl: typeof Rcl): void {
  const target = scenarioTarget(loadScenario(SCENARIO));
  const mmd = new MmdMetric(target, 0.05 * Math.sqrt(boxArea(target.domain)));
  const a = new SwarmWatch();
  const b = new SwarmWatch();
  const framesCmds: Twist[][] = [[], []];
  const framesDiag: DiagnosticStatus[] = [];
  const stops: number[] = [];
  const tfChildren = new Set<string>();
  let framesOdom: ((i: number, m: Odometry) => void) | undefined;
  let node: Rcl.Node | undefined;
  let observe: ReturnType<typeof rosNodeHandle> | undefined;
  const nodes: NodeProcess[] = [];
  let controllerA: NodeProcess | undefined;
  let controllerB: NodeProcess | undefined;
  let controllerFrames: NodeProcess | undefined;
  /** Subscribes `w` to the odometry and commands of the robots in namespace `ns` (set once the observer exists). */
  let watchSwarm: (w: SwarmWatch, ns: string) => void = () => assert.fail('no observer node');

  const logs = () => nodes.map((n) => n.tail()).join('\n');
  async function waitFor(what: string, seconds: number, ok: () => boolean): Promise<void> {
    const end = now() + seconds;
    while (!ok()) {
      if (now() > end) assert.fail(`${what}: not within ${seconds} s\n${logs()}`);
      await sleep(50);
    }
  }
  /** `ros2 param ...`, retried while discovery has not found the node yet. */
  async function param(...args: string[]): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const r = await run('ros2', ['param', ...args]);
      if (!/node not found|Service not available|Wait for service timed out/i.test(r.out) || attempt === 10) return r.out;
      await sleep(1000);
    }
  }
  /**
   * Starts a simulator and a controller in `ns` with the shipped parameter file. With a file keyed by node name,
   * command-line overrides must name their node too (rclnodejs lays the node's own table over the `/**` one).
   */
  function swarm(ns: string, count: number, extra: string[] = []): NodeProcess {
    const scoped = (nodeName: string, ps: string[]) => ps.flatMap((p) => ['-p', `${nodeName}:${p}`]);
    const robots = [`robot_count:=${count}`, `robot_prefix:=${PREFIX}`];
    nodes.push(startNode('blob-coverage-simulator.js', ['-r', `__ns:=${ns}`, '--params-file', PARAMS, ...scoped('swarm_simulator', [...robots, `scenario:=${SCENARIO}`])]));
    const c = startNode('blob-coverage-controller.js', ['-r', `__ns:=${ns}`, '--params-file', PARAMS, ...scoped('blob_coverage_controller', [...robots, `target_file:=${SCENARIO}`, ...extra])]);
    nodes.push(c);
    return c;
  }

  before(async () => {
    await rcl.init();
    node = new rcl.Node('itest_observer', '/');
    const handle = rosNodeHandle(rcl as unknown as RclModule, node);
    observe = handle;
    const watch = (watchSwarm = (w: SwarmWatch, ns: string) => {
      names.forEach((name, i) => {
        handle.createSubscription(MSG.Odometry, `${ns}/${name}/odom`, 'sensor', (m) => {
          const p: [number, number] = [m.pose.pose.position.x, m.pose.pose.position.y];
          w.first[i] ??= p;
          w.last[i] = p;
        });
        handle.createSubscription(MSG.Twist, `${ns}/${name}/cmd_vel`, 'default', (m) => w.commands.push({ robot: i, t: now(), twist: m }));
      });
    });
    watch(a, NS_A);
    watch(b, NS_B);
    handle.createSubscription(MSG.Bool, `${NS_A}/emergency_stop`, 'default', (m) => {
      if (m.data) stops.push(now());
    });
    handle.createSubscription(MSG.TFMessage, '/tf', 'default', (m) => m.transforms.forEach((t) => tfChildren.add(t.child_frame_id)));
    handle.createSubscription(MSG.DiagnosticArray, '/diagnostics', 'sensor', (m) => {
      for (const s of m.status) {
        if (s.name.startsWith(`${NS_A}/`)) a.diagnostics.push({ t: now(), status: s });
        if (s.name.startsWith(`${NS_B}/`)) b.diagnostics.push({ t: now(), status: s });
        if (s.name.startsWith(`${NS_FRAMES}/`)) framesDiag.push(s);
      }
    });
    // The frame-check controller's two robots are driven by this observer, not a simulator.
    const framesPubs = [0, 1].map((i) => handle.createPublisher(MSG.Odometry, `${NS_FRAMES}/frame_robot_${i}/odom`, 'sensor'));
    [0, 1].forEach((i) => handle.createSubscription(MSG.Twist, `${NS_FRAMES}/frame_robot_${i}/cmd_vel`, 'default', (m) => framesCmds[i].push(m)));
    framesOdom = (i, m) => framesPubs[i].publish(m);
    node.spin();
    controllerA = swarm(NS_A, ROBOTS);
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

  test('the simulator publishes the odometry of every robot, and their transforms on /tf, frames prefixed by the namespace', async () => {
    await waitFor('odometry from every robot', 30, () => a.last.every((p) => p !== undefined));
    await waitFor('a transform for every robot on /tf', 10, () => names.every((n) => tfChildren.has(`${NS_A.slice(1)}/${n}/base_link`)));
  });

  test('the controller commands every robot at its rate, within the default speed limit', async () => {
    await waitFor('a command to every robot', 30, () => names.every((_, i) => a.commands.some((c) => c.robot === i)));
    const got = await a.window(2);
    for (let i = 0; i < ROBOTS; i++) assert.ok(got.filter((c) => c.robot === i).length >= 12, `${names[i]}: ${got.filter((c) => c.robot === i).length} commands in 2 s at 10 Hz\n${logs()}`);
    const fastest = Math.max(...got.map((c) => speed(c.twist)));
    assert.ok(fastest <= DEFAULT_SPEED + 1e-9, `fastest command ${fastest} m/s`);
    assert.ok(fastest > 0.15, `the swarm starts in a corner: some robot is sent near ${DEFAULT_SPEED} m/s, got ${fastest}`);
  });

  test('ros2 param set: a live change takes effect; every refusal comes back with the node\'s own reason', async () => {
    assert.match(await param('set', CONTROLLER, 'max_linear_speed', String(SET_SPEED)), /Set parameter successful/);
    assert.match(await param('get', CONTROLLER, 'max_linear_speed'), new RegExp(`Double value is: ${SET_SPEED}`));
    const refusals: [string[], RegExp][] = [
      [['max_linear_speed', '1'], /Setting parameter failed: parameter 'max_linear_speed' must be a double, got the integer 1 \(write 1\.0, not 1\)/],
      [['max_linear_speed', '50.0'], /Setting parameter failed: parameter 'max_linear_speed' must be <= 20 m\/s, got 50/],
      [['rate', '0.5'], /Setting parameter failed: parameter 'rate' must be >= 1 Hz, got 0\.5/],
      [['drive', 'diffdrive'], /Setting parameter failed: parameter 'drive' must be one of holonomic, diff_drive, got 'diffdrive'/],
      [['lloyd_gain', '50.0'], /Setting parameter failed: algorithm lloyd needs lloyd_gain/],
      [['robot_count', '3'], /Setting parameter failed: .*read-?only/i],
    ];
    assert.match(await param('set', CONTROLLER, 'algorithm', 'lloyd'), /Set parameter successful/);
    for (const [args, expected] of refusals) {
      const out = await param('set', CONTROLLER, ...args);
      assert.match(out, expected, `ros2 param set ${args.join(' ')}`);
      assert.doesNotMatch(out, /does not {2}readonly/);
    }
    assert.match(await param('set', CONTROLLER, 'algorithm', 'blob'), /Set parameter successful/);
    assert.match(await param('get', CONTROLLER, 'max_linear_speed'), new RegExp(`Double value is: ${SET_SPEED}`), 'the refusals changed nothing');
    assert.match(await param('describe', CONTROLLER, 'max_linear_speed'), /Range \[0\.001, 20\] m\/s/);
    await sleep(500); // the acceleration limit brings the commands down within 0.14 s
    const got = await a.window(2);
    const fastest = Math.max(...got.map((c) => speed(c.twist)));
    assert.ok(fastest <= SET_SPEED + 1e-9, `fastest command after the change ${fastest} m/s`);
    assert.ok(fastest >= 0.9 * SET_SPEED, `the new limit binds: some robot is still sent ${SET_SPEED} m/s, got ${fastest}`);
    assert.match(await param('set', CONTROLLER, 'max_linear_speed', String(DEFAULT_SPEED)), /Set parameter successful/);
  });

  test('ros2 topic pub --once on the emergency stop stops every robot, every time, with no QoS warning: median within one control period, worst within three', async () => {
    const latencies: number[] = [];
    const deliveries: number[] = [];
    for (let round = 0; round < 8; round++) {
      await waitFor('robots moving before the stop', 10, () => a.commands.slice(-ROBOTS).some((c) => !isZero(c.twist)));
      const seen = stops.length;
      const logged = controllerA!.lines.length;
      const pub = await run('ros2', ['topic', 'pub', '--once', `${NS_A}/emergency_stop`, 'std_msgs/msg/Bool', '{data: true}']);
      assert.equal(pub.code, 0, pub.out);
      assert.doesNotMatch(pub.out, /incompatible/i, 'no incompatible-QoS warning');
      await waitFor('the observer sees the stop', 5, () => stops.length > seen);
      const at = stops[stops.length - 1];
      await waitFor(`round ${round}: zero to every robot after the stop`, 2, () => names.every((_, i) => a.commands.some((c) => c.robot === i && c.t >= at - 0.05 && isZero(c.twist))));
      latencies.push(Math.max(...names.map((_, i) => a.commands.find((c) => c.robot === i && c.t >= at - 0.05 && isZero(c.twist))!.t - at)));
      // When the controller itself got the message: the time stamp of its WARN line.
      const line = controllerA!.lines.slice(logged).find((l) => /emergency stop \(emergency_stop\)/.test(l));
      const stamp = Number(/^\[WARN\] \[([0-9.]+)\]/.exec(line ?? '')?.[1]);
      deliveries.push(stamp - at);
      const after = await a.window(0.5);
      assert.ok(after.every((c) => isZero(c.twist)), 'the stop holds');
      const release = await run('ros2', ['topic', 'pub', '--once', `${NS_A}/emergency_stop`, 'std_msgs/msg/Bool', '{data: false}']);
      assert.equal(release.code, 0, release.out);
    }
    const ms = (xs: number[]) => xs.map((l) => (1000 * l).toFixed(1)).join(', ');
    process.stdout.write(`# e-stop, ${latencies.length} rounds of ros2 topic pub --once. Zero at the last robot after the observer saw the stop: ${ms(latencies)} ms; the controller got it (its log stamp) after the observer: ${ms(deliveries)} ms; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}\n`);
    const sorted = [...latencies].sort((x, y) => x - y);
    assert.ok(sorted[Math.floor(sorted.length / 2)] < PERIOD, `median latency ${ms([sorted[Math.floor(sorted.length / 2)]])} ms: within one control period (${PERIOD} s)`);
    assert.ok(sorted[sorted.length - 1] < 3 * PERIOD, `worst latency ${ms([sorted[sorted.length - 1]])} ms: within three control periods`);
  });

  test('the ~/emergency_stop service (std_srvs/srv/SetBool) stops and releases', async () => {
    const srv = `${CONTROLLER}/emergency_stop`;
    const call = (on: boolean) => run('ros2', ['service', 'call', srv, 'std_srvs/srv/SetBool', `{data: ${on}}`]);
    const t = now();
    const stop = await call(true);
    assert.match(stop.out, /success=True/, stop.out);
    await waitFor('zero to every robot after the service call', 2, () => names.every((_, i) => a.commands.some((c) => c.robot === i && c.t >= t && isZero(c.twist))));
    assert.match((await call(false)).out, /success=True/);
    await waitFor('robots moving after the release', 10, () => a.commands.slice(-ROBOTS).some((c) => !isZero(c.twist)));
  });

  test('the swarm spreads over the target and /diagnostics reaches OK (the README quick start)', async () => {
    const start = a.positions(a.first);
    const nn0 = nearestNeighbourStats(start).mean;
    const mmd0 = mmd.evaluate(start);
    await waitFor(`spreading from mean nearest-neighbour distance ${nn0.toFixed(3)} m and MMD^2 ${mmd0.toExponential(2)}`, 90, () => {
      const p = a.positions();
      return nearestNeighbourStats(p).mean >= 2 * nn0 && mmd.evaluate(p) <= 0.5 * mmd0;
    });
    await waitFor('/diagnostics OK', 90, () => a.diagnostics.at(-1)?.status.level === 0);
    const reported = a.diagnostics.map((d) => Number(d.status.values.find((kv) => kv.key === 'mmd2')?.value)).filter(Number.isFinite);
    assert.ok(reported.length >= 2 && reported[reported.length - 1] < reported[0], `the controller's own MMD^2 went down: ${reported.join(', ')}`);
  });

  test('one log line per message, ROS-formatted, no JSON', () => {
    assert.ok(controllerA);
    const lines = controllerA.lines;
    assert.ok(lines.every((l) => !l.trimStart().startsWith('{')), `a JSON line:\n${lines.find((l) => l.trimStart().startsWith('{'))}`);
    const changes = lines.filter((l) => /parameters changed: max_linear_speed/.test(l));
    assert.equal(changes.length, 2, `two changes of max_linear_speed, one line each:\n${changes.join('\n')}`);
    assert.ok(changes.every((l) => /^\[INFO\] \[[0-9.]+\] \[itest_a\.blob_coverage_controller\]: /.test(l)), changes.join('\n'));
  });

  test('a pose in another frame than world_frame: its robot held at zero, a WARN naming both frames, /diagnostics ERROR', async () => {
    controllerFrames = startNode('blob-coverage-controller.js', ['-r', `__ns:=${NS_FRAMES}`, '-p', 'robot_count:=2', '-p', 'robot_prefix:=frame_robot_', '-p', `target_file:=${SCENARIO}`]);
    nodes.push(controllerFrames);
    const publish = () => {
      const t = timeMsg(Number(node!.now().nanoseconds) * 1e-9);
      [0, 1].forEach((i) =>
        framesOdom!(i, {
          header: { stamp: t, frame_id: i === 0 ? 'map' : 'frame_robot_1/odom' },
          child_frame_id: `frame_robot_${i}/base_link`,
          pose: { pose: { position: { x: -0.6 + 0.6 * i, y: -0.6, z: 0 }, orientation: quaternionOfYaw(0) } },
          twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } },
        }),
      );
    };
    const end = now() + 30;
    while (now() < end && !(framesCmds[0].some((c) => !isZero(c)) && framesDiag.some((s) => s.level === 2))) {
      publish();
      await sleep(50);
    }
    assert.ok(framesCmds[0].some((c) => !isZero(c)), `the robot in the world frame is driven\n${controllerFrames.tail()}`);
    assert.ok(framesCmds[1].length > 0 && framesCmds[1].every(isZero), 'the robot in another frame only ever gets zero');
    const status = framesDiag.find((s) => s.level === 2);
    assert.ok(status, 'a /diagnostics ERROR');
    assert.match(status.message, /another frame than world_frame 'map' \(frame_robot_1: 'frame_robot_1\/odom'\)/);
    assert.ok(controllerFrames.lines.some((l) => /\[WARN\].*frame_robot_1.*'frame_robot_1\/odom', not world_frame 'map'/.test(l)), controllerFrames.tail());
  });

  test('two swarms in two namespaces share the graph without crossing: each controller drives its own robots', async () => {
    controllerB = swarm(NS_B, 4);
    await waitFor('swarm B commanded', 30, () => [0, 1, 2, 3].every((i) => b.commands.some((c) => c.robot === i)));
    const topics = (await run('ros2', ['topic', 'list'])).out;
    for (const t of [`${NS_A}/${PREFIX}0/cmd_vel`, `${NS_B}/${PREFIX}0/cmd_vel`, `${NS_A}/emergency_stop`, `${NS_B}/emergency_stop`]) assert.match(topics, new RegExp(`^${t}$`, 'm'));
    assert.ok(!b.commands.some((c) => c.robot >= 4), 'swarm B has 4 robots: nothing on its other names');
    // Stopping swarm B leaves swarm A's controller publishing its own commands, and the reverse.
    assert.match((await run('ros2', ['service', 'call', `${NS_B}/blob_coverage_controller/emergency_stop`, 'std_srvs/srv/SetBool', '{data: true}'])).out, /success=True/);
    const [gotA, gotB] = await Promise.all([a.window(1), b.window(1)]);
    assert.ok(gotB.length > 0 && gotB.slice(-4).every((c) => isZero(c.twist)), 'swarm B stopped');
    assert.ok(names.every((_, i) => gotA.some((c) => c.robot === i)), 'swarm A still commanded at its rate');
    const pubs = (await run('ros2', ['topic', 'info', `${NS_A}/${PREFIX}0/cmd_vel`])).out;
    assert.match(pubs, /Publisher count: 1/, `one controller commands ${NS_A}/${PREFIX}0: ${pubs}`);
  });

  test('pose_type tf: a controller takes its whole swarm from /tf (one message a tick), none of the robots\' odometry', async () => {
    const c = new SwarmWatch();
    watchSwarm(c, NS_TF);
    swarm(NS_TF, ROBOTS, ['pose_type:=tf', 'pose_topic:=/tf']);
    await waitFor('every robot of the tf swarm commanded to move', 40, () => names.every((_, i) => c.commands.some((m) => m.robot === i && speed(m.twist) > 0)));
    const info = (await run('ros2', ['topic', 'info', `${NS_TF}/${PREFIX}0/odom`])).out;
    assert.match(info, /Subscription count: 1\b/, `only this test's observer takes the odometry: ${info}`);
    const tfInfo = (await run('ros2', ['topic', 'info', '/tf'])).out;
    assert.match(tfInfo, /Type: tf2_msgs\/msg\/TFMessage/, tfInfo);
  });

  test('two controller instances share one swarm (owned_robots): each commands its half alone and takes the other half\'s poses from the other instance (swarm_poses); one killed, its robots stop and the other half goes on; restarted, it rejoins', async () => {
    const c = new SwarmWatch();
    watchSwarm(c, NS_SHARDS);
    // What the instances exchange: per message, the child frames and the age of the oldest stamp at arrival.
    const exchanged: { frames: string[]; worldFrames: Set<string>; age: number }[] = [];
    observe!.createSubscription(MSG.TFMessage, `${NS_SHARDS}/swarm_poses`, 'sensor', (m: TFMessage) => {
      const t = now();
      exchanged.push({
        frames: m.transforms.map((x) => x.child_frame_id),
        worldFrames: new Set(m.transforms.map((x) => x.header.frame_id)),
        age: Math.max(...m.transforms.map((x) => t - (x.header.stamp.sec + x.header.stamp.nanosec * 1e-9))),
      });
    });
    const robots = [`robot_count:=${ROBOTS}`, `robot_prefix:=${PREFIX}`];
    nodes.push(startNode('blob-coverage-simulator.js', ['-r', `__ns:=${NS_SHARDS}`, '--params-file', PARAMS, ...robots.flatMap((p) => ['-p', `swarm_simulator:${p}`]), '-p', `swarm_simulator:scenario:=${SCENARIO}`]));
    const halves = [names.slice(0, ROBOTS / 2), names.slice(ROBOTS / 2)];
    const instance = (k: number): NodeProcess => {
      const name = `blob_coverage_controller_${k}`;
      const ps = [...robots, `target_file:=${SCENARIO}`, `owned_robots:=[${halves[k].join(',')}]`];
      const n = startNode('blob-coverage-controller.js', ['-r', `__ns:=${NS_SHARDS}`, '-r', `__node:=${name}`, ...ps.flatMap((p) => ['-p', `${name}:${p}`])]);
      nodes.push(n);
      return n;
    };
    instance(0);
    const second = instance(1);
    await waitFor('every robot commanded by the two instances', 30, () => names.every((_, i) => c.commands.some((m) => m.robot === i)));
    for (const robot of [names[0], names[ROBOTS - 1]]) {
      const info = (await run('ros2', ['topic', 'info', `${NS_SHARDS}/${robot}/cmd_vel`])).out;
      assert.match(info, /Publisher count: 1/, `one instance commands ${robot}: ${info}`);
      // Its odometry goes to its own instance and to this test's observer, not to the other instance.
      const odom = (await run('ros2', ['topic', 'info', `${NS_SHARDS}/${robot}/odom`])).out;
      assert.match(odom, /Subscription count: 2/, `${robot}/odom: its instance and the observer: ${odom}`);
    }
    const swarmPoses = (await run('ros2', ['topic', 'info', `${NS_SHARDS}/swarm_poses`])).out;
    assert.match(swarmPoses, /Type: tf2_msgs\/msg\/TFMessage/, swarmPoses);
    assert.match(swarmPoses, /Publisher count: 2/, `both instances publish their robots' poses: ${swarmPoses}`);
    assert.match(swarmPoses, /Subscription count: 3/, `both instances and the observer read them: ${swarmPoses}`);
    await waitFor('both instances\' poses on swarm_poses', 10, () => halves.every((h) => exchanged.some((e) => e.frames.join() === h.map((n) => `${n}/base_link`).join())));
    const frames = exchanged.map((e) => [...e.worldFrames].join('+') + ':' + e.frames.length);
    assert.ok(exchanged.every((e) => e.worldFrames.size === 1 && e.worldFrames.has('map')), `every exchanged pose is in the world frame: ${[...new Set(frames)].join(', ')}`);
    const ages = exchanged.slice(-40).map((e) => e.age).sort((x, y) => x - y);
    // Stamped with the odometry's own time: at most a control period and an odometry period (plus transport) old.
    assert.ok(ages[ages.length >> 1] > 0 && ages[ages.length >> 1] < 0.3, `median age of the oldest exchanged pose ${ages[ages.length >> 1]} s`);
    const mine = (k: number) => halves[k].map((n) => names.indexOf(n));
    second.proc.kill('SIGKILL');
    await second.exited;
    await sleep(1000); // the simulator's command timeout is 0.5 s
    const before = c.positions();
    const got = await c.window(1.5);
    const after = c.positions();
    assert.ok(mine(1).every((i) => !got.some((m) => m.robot === i)), 'no command for the killed instance robots');
    assert.ok(mine(0).every((i) => got.filter((m) => m.robot === i).length >= 8), 'the other instance still commands its robots at its rate');
    for (const i of mine(1)) assert.ok(Math.hypot(after[2 * i] - before[2 * i], after[2 * i + 1] - before[2 * i + 1]) < 1e-3, `${names[i]} stopped by its command timeout`);
    instance(1);
    await waitFor('the restarted instance commands its robots again', 30, () => mine(1).every((i) => c.commands.slice(-200).some((m) => m.robot === i && m.t > now() - 1)));
  });

  test('three controller instances with pose_exchange regional: each commands its robots, deposits and pose tiles flow, the swarm spreads with the separation kept; one killed, the others go on; restarted, it rejoins', async () => {
    const c = new SwarmWatch();
    watchSwarm(c, NS_REGIONAL);
    // The deposits on swarm_density: per message, the sender and the robots it deposits (its header).
    const deposits: { from: string; robots: number; tiles: string }[] = [];
    observe!.createSubscription(MSG.Float32MultiArray, `${NS_REGIONAL}/swarm_density`, 'sensor', (m: Float32MultiArray) => {
      const head = /from=(\S+) robots=(\d+) .*tiles=([0-9,]*)/.exec(m.layout.dim[0]?.label ?? '');
      if (head) deposits.push({ from: head[1], robots: Number(head[2]), tiles: head[3] });
    });
    const diagnostics = new Map<string, { t: number; values: Map<string, string> }[]>();
    observe!.createSubscription(MSG.DiagnosticArray, '/diagnostics', 'sensor', (m) => {
      for (const s of m.status) {
        if (!s.name.startsWith(`${NS_REGIONAL}/`)) continue;
        const name = s.name.split(':')[0];
        if (!diagnostics.has(name)) diagnostics.set(name, []);
        diagnostics.get(name)!.push({ t: now(), values: new Map(s.values.map((kv) => [kv.key, kv.value])) });
      }
    });
    // Footprints small enough for the demo's start grid (0.2 m apart); every instance on the same tiles.
    const robots = [`robot_count:=${ROBOTS}`, `robot_prefix:=${PREFIX}`];
    const minSep = 2 * 0.02 + 0.02;
    const mine: NodeProcess[] = [startNode('blob-coverage-simulator.js', ['-r', `__ns:=${NS_REGIONAL}`, '--params-file', PARAMS, ...robots.flatMap((p) => ['-p', `swarm_simulator:${p}`]), '-p', `swarm_simulator:scenario:=${SCENARIO}`])];
    nodes.push(mine[0]);
    const parts = [names.slice(0, 3), names.slice(3, 6), names.slice(6)];
    const instance = (k: number): NodeProcess => {
      const name = `blob_coverage_controller_${k}`;
      const ps = [...robots, `target_file:=${SCENARIO}`, `owned_robots:=[${parts[k].join(',')}]`, 'pose_exchange:=regional', 'swarm_tile_size:=0.25', 'robot_radius:=0.02', 'safety_clearance:=0.02'];
      const n = startNode('blob-coverage-controller.js', ['-r', `__ns:=${NS_REGIONAL}`, '-r', `__node:=${name}`, ...ps.flatMap((p) => ['-p', `${name}:${p}`])]);
      nodes.push(n);
      mine.push(n);
      return n;
    };
    const instances = [0, 1, 2].map(instance);
    await waitFor('every robot commanded to move by the three instances', 40, () => names.every((_, i) => c.commands.some((m) => m.robot === i && speed(m.twist) > 0)));
    const started = now();
    for (const robot of [names[0], names[4], names[7]]) {
      const info = (await run('ros2', ['topic', 'info', `${NS_REGIONAL}/${robot}/cmd_vel`])).out;
      assert.match(info, /Publisher count: 1/, `one instance commands ${robot}: ${info}`);
    }
    const density = (await run('ros2', ['topic', 'info', `${NS_REGIONAL}/swarm_density`])).out;
    assert.match(density, /Type: std_msgs\/msg\/Float32MultiArray/, density);
    assert.match(density, /Publisher count: 3/, `the three instances publish their deposits: ${density}`);
    const tileTopics = (await run('ros2', ['topic', 'list'])).out.split('\n').filter((t) => t.startsWith(`${NS_REGIONAL}/swarm_poses/t_`));
    assert.ok(tileTopics.length >= 1, `pose tile topics: ${tileTopics.join(', ')}`);
    const tileInfo = (await run('ros2', ['topic', 'info', tileTopics[0]])).out;
    assert.match(tileInfo, /Type: tf2_msgs\/msg\/TFMessage/, tileInfo);
    assert.doesNotMatch((await run('ros2', ['topic', 'info', `${NS_REGIONAL}/swarm_poses`])).out, /Publisher count: [1-9]/, 'no whole-swarm pose topic: poses go by tiles');
    // Spreading from the corner, the closest pair watched on the odometry every 50 ms.
    const start = c.positions(c.first);
    const nn0 = nearestNeighbourStats(start).mean;
    let closest = Infinity;
    const spread = async (what: string, seconds: number, ok: () => boolean): Promise<void> => {
      const end = now() + seconds;
      while (!ok()) {
        if (now() > end) assert.fail(`${what}: not within ${seconds} s\n${logs()}`);
        closest = Math.min(closest, nearestNeighbourStats(c.positions()).min);
        await sleep(50);
      }
    };
    await spread(`the swarm spreading from mean nearest-neighbour distance ${nn0.toFixed(3)} m`, 60, () => nearestNeighbourStats(c.positions()).mean >= 1.5 * nn0);
    const senders = new Set(deposits.map((d) => d.from));
    assert.equal(senders.size, 3, `deposits from each instance: ${[...senders].join(', ')}`);
    for (const k of [0, 1, 2]) {
      const mine = deposits.filter((d) => d.from === `${NS_REGIONAL}/blob_coverage_controller_${k}`);
      assert.ok(mine.length >= 10 && mine.at(-1)!.robots === parts[k].length && mine.at(-1)!.tiles !== '', `instance ${k}'s deposits: ${mine.length}, the last of ${mine.at(-1)?.robots} robots in tiles ${mine.at(-1)?.tiles}`);
    }
    await waitFor('/diagnostics of the three instances', 10, () => diagnostics.size === 3);
    const heldAt = (name: string, t: number): string => diagnostics.get(name)!.filter((d) => d.t <= t).at(-1)?.values.get('robot-ticks held by tiles') ?? '0';
    const spreadAt = now();
    for (const [name, reports] of diagnostics) {
      const last = reports.at(-1)!.values;
      assert.ok(Number(last.get('tiles subscribed')) >= 1 && Number(last.get('tiles published')) >= 1, `${name}: tiles subscribed ${last.get('tiles subscribed')}, published ${last.get('tiles published')}`);
    }
    // Killed: its robots stop by their command timeout; the others are still commanded.
    instances[1].proc.kill('SIGKILL');
    await instances[1].exited;
    await sleep(1000);
    const got = await c.window(1.5);
    const idx = (k: number) => parts[k].map((n) => names.indexOf(n));
    assert.ok(idx(1).every((i) => !got.some((m) => m.robot === i)), 'no command for the killed instance\'s robots');
    assert.ok([...idx(0), ...idx(2)].every((i) => got.filter((m) => m.robot === i).length >= 8), 'the other instances still command their robots at their rate');
    closest = Math.min(closest, nearestNeighbourStats(c.positions()).min);
    instance(1);
    await waitFor('the restarted instance commands its robots again', 40, () => idx(1).every((i) => c.commands.slice(-200).some((m) => m.robot === i && m.t > now() - 1)));
    for (const end = now() + 3; now() < end; await sleep(50)) closest = Math.min(closest, nearestNeighbourStats(c.positions()).min);
    // Each robot's latest odometry (50 Hz) is up to 20 ms old: a pair seen up to 2 x 0.22 x 0.02 m nearer than it is.
    assert.ok(closest >= minSep - 0.01, `closest pair seen on the odometry ${closest.toFixed(4)} m, separation ${minSep} m`);
    // Robot-ticks held by the tile guard per instance: by the time the swarm had spread, and at the last report (the
    // restarted instance counts from its restart).
    const held = [...diagnostics].map(([name, r]) => `${name.split('_').at(-1)}: ${heldAt(name, spreadAt)} then ${r.at(-1)!.values.get('robot-ticks held by tiles')}`);
    // Done: these five processes would only load the machine for the tests that follow.
    for (const n of mine) if (n.proc.exitCode === null && n.proc.signalCode === null) n.proc.kill('SIGTERM');
    await Promise.all(mine.map((n) => n.exited));
    process.stdout.write(`# regional on the real graph: ${tileTopics.length} tile topics, ${deposits.length} deposits seen in ${(now() - started).toFixed(0)} s; robot-ticks held by the tile guard per instance (when spread, then at the end) ${held.join(', ')}; closest pair ${closest.toFixed(3)} m\n`);
  });

  test('ros2 launch of the XML launch file in a namespace: named processes, a commanded swarm, a refused choice', async () => {
    const refused = await run('ros2', ['launch', join(root, 'launch', 'blob_coverage.launch.xml'), 'drive:=diffdrive'], 60_000);
    assert.notEqual(refused.code, 0);
    assert.match(refused.out, /"diffdrive" is not valid. Valid options are/, refused.out);
    const got: number[] = [];
    [0, 1, 2].forEach((i) => observe!.createSubscription(MSG.Twist, `/itest_launch/robot_${i}/cmd_vel`, 'default', () => got.push(i)));
    const launch = spawn('ros2', ['launch', join(root, 'launch', 'blob_coverage.launch.xml'), 'namespace:=itest_launch', 'robot_count:=3', 'log_level:=info'], { env: process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const lines: string[] = [];
    launch.stdout?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n')));
    launch.stderr?.on('data', (d: Buffer) => lines.push(...d.toString().split('\n')));
    const exited = new Promise<number | null>((done) => launch.on('exit', (code) => done(code)));
    try {
      await waitFor(`commands to the 3 launched robots\n${lines.slice(-20).join('\n')}`, 60, () => [0, 1, 2].every((i) => got.includes(i)));
      const text = lines.join('\n');
      assert.match(text, /\[(blob_coverage_controller|controller)[^\]]*\]/, 'the controller process is named');
      assert.match(text, /\[(swarm_simulator|simulator)[^\]]*\]/, 'the simulator process is named');
      assert.doesNotMatch(text, /\[node-\d+\]/, 'no anonymous node-1, node-2');
    } finally {
      process.kill(-launch.pid!, 'SIGINT');
      const timer = setTimeout(() => process.kill(-launch.pid!, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  });

  test('on SIGTERM the controller sends zero to every robot, then exits 0', async () => {
    assert.ok(controllerA);
    const signalled = now();
    controllerA.proc.kill('SIGTERM');
    assert.equal(await controllerA.exited, 0, controllerA.tail());
    await sleep(500);
    for (let i = 0; i < ROBOTS; i++) {
      const sent = a.commands.filter((c) => c.robot === i && c.t >= signalled);
      assert.ok(sent.length > 0, `${names[i]}: no command after SIGTERM`);
      assert.ok(isZero(sent[sent.length - 1].twist), `${names[i]}: the last command is not zero`);
    }
  });
}

// Last: the classes and functions above must exist before the tests are declared.
const ros = await rosOrReason();
if ('reason' in ros) {
  test('ROS 2 is sourced, with the ros2 command and a built rclnodejs (needed by the real-ROS integration test)', () => {
    assert.fail(`test:ros refuses to run here: ${ros.reason}`);
  });
} else {
  integrationTests(ros.rcl);
}
