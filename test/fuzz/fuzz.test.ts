/**
 * Bad input never crashes a node and never moves a robot unsafely (issue 5). Over 10,000 generated bad inputs go to
 * the controller node (parameters as `ros2 param set` would send them, pose and emergency-stop messages) and to the
 * scenario and map loaders. Every input comes from one seed: a failure prints FUZZ_SEED and the inputs that failed,
 * and `FUZZ_SEED=<n> node --import tsx --test test/fuzz/fuzz.test.ts` replays them. Failures are grouped by kind,
 * so one report shows every kind of bug the run met.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { BlobLaw } from '../../src/control/laws/blob-law.js';
import { CoverageControllerNode } from '../../src/control/controller-node.js';
import { LawBuilder } from '../../src/control/laws/law-builder.js';
import type { Box } from '../../src/engine/target/geometry.js';
import { makeGrid } from '../../src/engine/field/grid.js';
import { Target } from '../../src/engine/target/target.js';
import { encodePgm } from '../../src/io/image.js';
import { loadMapFile, MapFileError } from '../../src/io/map.js';
import { clip, quote } from '../../src/io/quote.js';
import { VirtualClock } from '../../src/node/clock.js';
import { InProcessBus } from '../../src/node/inprocess.js';
import type { Logger, NodeHandle, ParamVerdict } from '../../src/node/interface.js';
import type { OccupancyGrid, Twist, TwistStamped } from '../../src/node/messages.js';
import { quaternionOfYaw, timeMsg } from '../../src/node/messages.js';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';
import type { ParamSpec, ParamValue, ParamValues } from '../../src/params/schema.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { Scenario } from '../../src/scenario/scenario.js';
import { parseScenario } from '../../src/scenario/scenario.js';
import { scenarioTarget } from '../../src/scenario/setup.js';
import { ConfigError } from '../../src/scenario/validate.js';
import type { ImageInput } from './generators.js';
import { ABSURD_NUMBERS, badImage, corruptText, Fuzz, goodImage, jsJunk, junkDocument, mutateDoc, notANumber, poseMessage, show, yamlJunk } from './generators.js';

const SEED = Number(process.env.FUZZ_SEED ?? 1);
const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
/** The bundled scenarios, read at test time so that new scenarios and keys are fuzzed too. */
const SCENARIOS = readdirSync(join(ROOT, 'scenarios'))
  .filter((n) => n.endsWith('.yaml'))
  .sort()
  .map((n) => ({ name: n, path: join(ROOT, 'scenarios', n), doc: parse(readFileSync(join(ROOT, 'scenarios', n), 'utf8')) as Record<string, unknown> }));
/** Scenarios whose target is cheap to build (an expression target takes ~70 ms, so it is fuzzed less often). */
const CHEAP_SCENARIOS = SCENARIOS.filter((s) => (s.doc.target as { type?: unknown } | undefined)?.type !== 'expression');
const DIR = mkdtempSync(join(tmpdir(), 'blob-fuzz-'));
after(() => rmSync(DIR, { recursive: true, force: true }));

/** Inputs run so far, over every category. */
let total = 0;

/** Failures of one category by kind; the report names the seed and the first inputs of each kind. */
class Failures {
  private readonly byKind = new Map<string, string[]>();
  private count = 0;

  constructor(private readonly category: string) {}

  add(kind: string, index: number, input: string, problem: string): void {
    const list = this.byKind.get(kind) ?? [];
    list.push(`#${index}: ${problem}\n      input: ${input}`);
    this.byKind.set(kind, list);
    this.count++;
  }

  /** Fails the test with the report when anything failed. */
  check(inputs: number): void {
    total += inputs;
    if (this.count === 0) return;
    const lines = [`${this.category}: ${this.count} failures in ${inputs} inputs (FUZZ_SEED=${SEED} reproduces them)`];
    for (const [kind, list] of this.byKind) lines.push(`  ${kind} (${list.length}), first ones:`, ...list.slice(0, 3).map((s) => `    ${s}`));
    assert.fail(lines.join('\n'));
  }
}

/** True when a refusal names the parameter `name`: whole, or as refusals quote it (cut to a few dozen characters). */
function names(reason: string, name: string): boolean {
  return reason.includes(name) || reason.includes(quote(name));
}

/** The name and message of anything thrown. */
function thrown(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message.slice(0, 300)}` : `non-error ${show(e)}`;
}

/** Errors that only a bug throws: input was not validated before use. */
function isEngineError(e: unknown): boolean {
  return e instanceof TypeError || e instanceof RangeError || e instanceof ReferenceError || e instanceof SyntaxError || !(e instanceof Error);
}

// ---------------------------------------------------------------------------------------------------------------
// Map files on disk for map targets: a good one, bad ones, missing ones, a device, a folder.

function writeMap(name: string, yaml: string): string {
  writeFileSync(join(DIR, `${name}.yaml`), yaml);
  return join(DIR, `${name}.yaml`);
}
writeFileSync(join(DIR, 'ok.pgm'), encodePgm({ width: 20, height: 10, values: Float64Array.from({ length: 200 }, (_, k) => 0.2 + (0.8 * ((k * 7) % 11)) / 10) }));
const MAP_OK = writeMap('map-ok', 'image: ok.pgm\nresolution: 0.1\norigin: [-1.0, -0.5, 0.0]\n');
const MAP_FILES = [MAP_OK, writeMap('map-bad-resolution', 'image: ok.pgm\nresolution: -0.1\n'), writeMap('map-no-image', 'image: none.pgm\nresolution: 0.1\n'), join(DIR, 'none.yaml'), '/dev/zero', DIR];

/** A cheap valid target (a uniform floor and one bump) on a moderate box, as a YAML mapping. */
function cheapTargetDoc(f: Fuzz): { domain: Box; target: unknown } {
  const w = f.uniform(0.5, 4);
  const h = f.uniform(0.5, 4);
  const x0 = f.uniform(-2, 1);
  const y0 = f.uniform(-2, 1);
  const domain = { xmin: x0, xmax: x0 + w, ymin: y0, ymax: y0 + h };
  const bump = { type: 'gaussian', weight: f.uniform(0.1, 1), mean: [x0 + f.uniform(0, w), y0 + f.uniform(0, h)], sigma: f.uniform(0.1, 1) };
  return { domain, target: { type: 'mixture', components: [{ type: 'uniform', weight: f.uniform(0.05, 1) }, bump] } };
}

/** True when a document's domain, if it is four finite numbers, is a box a few metres across (see `absurd domains`). */
function moderateDomain(doc: unknown): boolean {
  const d = (doc as { domain?: unknown } | null)?.domain;
  if (d === null || typeof d !== 'object') return true;
  return Object.values(d).every((v) => typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) <= 10);
}

// ---------------------------------------------------------------------------------------------------------------
// The controller node on an in-process bus, with robots that report poses and record commands.

const CHEAP_TARGET = stringify({ domain: { xmin: -1, xmax: 1, ymin: -1, ymax: 1 }, target: { type: 'mixture', components: [{ type: 'uniform', weight: 0.5 }, { type: 'gaussian', weight: 0.5, mean: [0.3, 0.2], sigma: 0.3 }] } });
const ROBOTS = 4;

interface Rig {
  readonly clock: VirtualClock;
  readonly bus: InProcessBus;
  readonly node: NodeHandle;
  readonly ctl: CoverageControllerNode;
  readonly poses: { publish(m: unknown): void }[];
  readonly estop: { publish(m: unknown): void };
  /** Commands per robot since the last `drain`. */
  readonly commands: Twist[][];
  readonly densities: OccupancyGrid[];
  markers: number;
  readonly warnings: string[];
}

/** One build worker for every rig (they build one after another): a worker's start costs a second or two. */
const BUILDER = new LawBuilder();
after(() => BUILDER.close());

function rig(parameters: ParamValues): Rig {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const warnings: string[] = [];
  const logger: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const node = bus.createNode('blob_coverage_controller', { logger, parameters: { robot_count: ROBOTS, target: CHEAP_TARGET, ...parameters } });
  const ctl = new CoverageControllerNode(node, join(ROOT, 'scenarios', 'demo.yaml'), { builder: BUILDER });
  const robots = bus.createNode('robots', { logger });
  const stamped = parameters.pose_type === 'pose_stamped';
  const commands: Twist[][] = Array.from({ length: ROBOTS }, () => []);
  const r: Rig = {
    clock, bus, node, ctl, warnings, commands, densities: [], markers: 0,
    poses: Array.from({ length: ROBOTS }, (_, i) =>
      stamped ? robots.createPublisher('geometry_msgs/msg/PoseStamped', `/robot_${i}/pose`, 'sensor') : robots.createPublisher('nav_msgs/msg/Odometry', `/robot_${i}/odom`, 'sensor'),
    ) as { publish(m: unknown): void }[],
    estop: robots.createPublisher('std_msgs/msg/Bool', '/emergency_stop', 'latched') as { publish(m: unknown): void },
  };
  for (let i = 0; i < ROBOTS; i++) {
    if (parameters.cmd_type === 'twist_stamped') robots.createSubscription('geometry_msgs/msg/TwistStamped', `/robot_${i}/cmd_vel`, 'command', (m: TwistStamped) => commands[i].push(m.twist));
    else robots.createSubscription('geometry_msgs/msg/Twist', `/robot_${i}/cmd_vel`, 'command', (m: Twist) => commands[i].push(m));
  }
  robots.createSubscription('nav_msgs/msg/OccupancyGrid', '/blob_coverage_controller/target_density', 'latched', (m) => r.densities.push(m));
  robots.createSubscription('visualization_msgs/msg/MarkerArray', '/blob_coverage_controller/markers', 'default', () => r.markers++);
  bus.flush();
  return r;
}

/** The controller node's own record of its parameters (private: the node interface has no getter). */
function effective(ctl: CoverageControllerNode): Record<string, ParamValue> {
  const v = (ctl as unknown as { values?: Record<string, ParamValue> }).values;
  assert.ok(v && CONTROLLER_SCHEMA.every((p) => p.name in v), 'CoverageControllerNode keeps its parameters in `values`');
  return v;
}

/** Runs the rig for `seconds` with every robot reporting a good pose inside the target's domain. */
function run(r: Rig, seconds: number, f: Fuzz): void {
  const v = effective(r.ctl);
  const h = 0.5 * Math.min(v.pose_timeout as number, 1 / (v.rate as number));
  const d = r.ctl.controller.currentLaw.target.domain;
  const end = r.clock.now() + seconds;
  while (r.clock.now() < end - 1e-9) {
    const stamp = timeMsg(r.clock.now());
    for (const p of r.poses) {
      const position = { x: f.uniform(d.xmin, d.xmax), y: f.uniform(d.ymin, d.ymax), z: 0 };
      const pose = { position, orientation: quaternionOfYaw(f.uniform(-Math.PI, Math.PI)) };
      p.publish({ header: { stamp, frame_id: 'map' }, child_frame_id: 'base_link', pose: { pose }, twist: { twist: { linear: { x: 0, y: 0, z: 0 }, angular: { x: 0, y: 0, z: 0 } } } });
    }
    r.bus.flush();
    r.clock.advanceTo(Math.min(end, r.clock.now() + h));
  }
}

/** Takes the commands recorded since the last call. */
function drain(r: Rig): Twist[][] {
  return r.commands.map((c) => c.splice(0));
}

/** Why a command breaks the configuration `v` (finite, within the speed limits, stopped when disabled), if it does. */
function commandProblem(c: Twist, v: Readonly<Record<string, ParamValue>>, stopped: boolean): string | undefined {
  const all = [c.linear.x, c.linear.y, c.linear.z, c.angular.x, c.angular.y, c.angular.z];
  if (!all.every(Number.isFinite)) return `command is not finite: ${show(c)}`;
  if ((stopped || v.enabled === false) && all.some((x) => x !== 0)) return `command ${show(c)} while stopped`;
  const maxLinear = (v.max_linear_speed as number) * (1 + 1e-9);
  if (Math.hypot(c.linear.x, c.linear.y) > maxLinear) return `linear speed ${Math.hypot(c.linear.x, c.linear.y)} above max_linear_speed ${v.max_linear_speed}`;
  if (Math.abs(c.angular.z) > (v.max_angular_speed as number) * (1 + 1e-9)) return `angular speed ${c.angular.z} above max_angular_speed ${v.max_angular_speed}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters.

type Expect = 'good' | 'bad' | 'either';

/** Parameters checked together with others (controllerCrossCheck): a valid value alone may be refused. */
const CROSS_CHECKED = new Set(['algorithm', 'lloyd_gain', 'rate']);
interface Entry {
  readonly name: string;
  readonly value: unknown;
  readonly expect: Expect;
}

const LIVE = CONTROLLER_SCHEMA.filter((p) => !p.readOnly);
const READ_ONLY = CONTROLLER_SCHEMA.filter((p) => p.readOnly);
const LAW_KEYS = ['target', 'target_file', 'algorithm', 'method', 'epsilon', 'diffusivity'];
/** Parameters whose change the node builds aside, and restores when the build fails (BUILD_KEYS in controller-node.ts). */
const BUILD_KEYS = [...LAW_KEYS, 'lloyd_gain', 'langevin_diffusivity', 'langevin_seed', 'rate', 'density_resolution'];
/** Sub-ranges of good values that keep each tick cheap (a fine eps or density grid costs seconds: see below). */
const GOOD_RANGE: Readonly<Record<string, readonly [number, number]>> = { epsilon: [0.05, 2], density_resolution: [0.02, 10] };
/** Names that are no ROS topic at all, and ones that are but cannot go under a robot's namespace. */
const BAD_TOPICS = ['', '/', 'a//b', 'a b', '1abc', 'a/1b', 'odom/', '~', '~odom', 'ns/~/x', '\n', 'cmd-vel', 'x'.repeat(10_000), 'é'];
const NOT_RELATIVE_TOPICS = ['/mocap/pose', '~/odom', '/cmd_vel'];
const UNKNOWN_NAMES = ['', ' ', 'Rate', 'rate ', 'max_speed', 'robot_count_', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'use_sim_time', 'pose_noise', 'seed', 'x'.repeat(300), 'épsilon', 'target.domain', '/rate'];

/** A value of the wrong type for any parameter type. */
function wrongTyped(f: Fuzz, p: ParamSpec): unknown {
  for (;;) {
    const v = f.oneOf<unknown>([[6, () => notANumber(f)], [1, () => undefined], [1, () => f.pick([0n, 1n, 10n ** 30n])], [2, () => f.pick(ABSURD_NUMBERS)]]);
    // A number in range is not wrong for a numeric parameter (1e7 is a fine integer seed).
    const inRange = typeof v === 'number' && v >= (p.min ?? -Infinity) && v <= (p.max ?? Infinity) && (p.type !== 'integer' || Number.isInteger(v));
    const sameType = p.type === 'bool' ? typeof v === 'boolean' : p.type === 'string' ? typeof v === 'string' : p.type === 'string_array' ? Array.isArray(v) && v.every((s) => typeof s === 'string') : inRange;
    if (!sameType) return v;
  }
}

/** An inline `target` value and what the node must answer. */
function targetValue(f: Fuzz): [string, Expect] {
  return f.oneOf<[string, Expect]>([
    [3, () => [stringify(cheapTargetDoc(f)), 'good']],
    [4, () => {
      const base = f.chance(0.5) ? cheapTargetDoc(f) : (({ domain, target }) => ({ domain, target }))(f.pick(CHEAP_SCENARIOS).doc);
      for (;;) {
        const m = mutateDoc(f, base);
        if (moderateDomain(m.doc)) return [stringify(m.doc), 'either'];
      }
    }],
    [1, () => [stringify({ target: { type: 'map', map: f.pick(MAP_FILES) } }), 'either']],
    [2, () => [corruptText(f, stringify(cheapTargetDoc(f))).text, 'either']],
    [2, () => {
      const text = junkDocument(f);
      return [text, text.trim() === '' ? 'either' : 'bad'];
    }],
    [1, () => ['x: '.repeat(f.int(1, 3)) + 'y'.repeat(f.int(10_000, 60_000)), 'bad']],
  ]);
}

/** A `target_file` value and what the node must answer when no inline target hides it. */
function targetFileValue(f: Fuzz, k: number): [string, Expect] {
  return f.oneOf<[string, Expect]>([
    [2, () => [f.pick(CHEAP_SCENARIOS).path, 'good']],
    [1, () => [f.pick(['', '  ']), 'good']],
    [3, () => {
      const m = mutateDoc(f, f.pick(CHEAP_SCENARIOS).doc);
      const path = join(DIR, `param-${k}.yaml`);
      writeFileSync(path, moderateDomain(m.doc) ? stringify(m.doc) : junkDocument(f));
      return [path, 'either'];
    }],
    [1, () => {
      const path = join(DIR, `param-junk-${k}.yaml`);
      writeFileSync(path, junkDocument(f));
      return [path, 'bad'];
    }],
    [3, () => [f.pick(['/nonexistent/scenario.yaml', DIR, '/dev/null', '/dev/zero', 'a\0b.yaml', 'x'.repeat(5000), MAP_OK, join(DIR, 'ok.pgm'), join(ROOT, 'package.json'), 'scenarios', '../../etc/passwd']), 'bad']],
  ]);
}

/** One entry of a parameter batch: a live parameter with a good or a bad value, a read-only one, or an unknown name. */
function entry(f: Fuzz, k: number): Entry {
  return f.oneOf<Entry>([
    [14, () => {
      // Law tuning (method, epsilon, diffusivity) rebuilds the target on every change: drawn half as often.
      const p = f.pick(LIVE.filter((q) => !['method', 'epsilon', 'diffusivity'].includes(q.name) || f.chance(0.5)));
      if (p.name === 'target') {
        const [value, expect] = targetValue(f);
        return { name: p.name, value, expect };
      }
      if (p.name === 'target_file') {
        const [value, expect] = targetFileValue(f, k);
        return { name: p.name, value, expect };
      }
      // A valid value of a cross-checked parameter may still be refused with the others (lloyd_gain <= rate).
      if (f.chance(0.5)) return { name: p.name, value: goodValue(f, p), expect: CROSS_CHECKED.has(p.name) ? 'either' : 'good' };
      return { name: p.name, value: badValue(f, p), expect: 'bad' };
    }],
    [2, () => {
      const p = f.pick(READ_ONLY);
      const value = f.oneOf<unknown>([[2, () => p.default], [2, () => wrongTyped(f, p)], [p.name.endsWith('topic') ? 3 : 0, () => f.pick(BAD_TOPICS)]]);
      return { name: p.name, value, expect: 'bad' };
    }],
    [2, () => ({ name: f.pick(UNKNOWN_NAMES), value: jsJunk(f), expect: 'bad' })],
  ]);
}

function goodValue(f: Fuzz, p: ParamSpec): unknown {
  switch (p.type) {
    case 'double': {
      if (p.name === 'epsilon' && f.chance(0.3)) return 0;
      const [lo, hi] = GOOD_RANGE[p.name] ?? [p.min ?? 0, p.max ?? 1];
      return f.chance(0.2) ? f.pick([lo, hi]) : lo > 0 ? f.logUniform(lo, hi) : f.uniform(lo, hi);
    }
    case 'integer':
      return Math.floor(f.uniform(p.min ?? 0, Math.min(p.max ?? 1e6, 1e6)));
    case 'bool':
      return f.chance(0.5);
    case 'string':
      return f.pick(p.choices ?? ['']);
    default:
      throw new Error(`no good values for ${p.name}`);
  }
}

function badValue(f: Fuzz, p: ParamSpec): unknown {
  if (p.type === 'double' || p.type === 'integer') {
    const lo = p.min ?? -Infinity;
    const hi = p.max ?? Infinity;
    return f.oneOf<unknown>([
      [2, () => lo - Math.max(1e-12, Math.abs(lo) * f.logUniform(1e-9, 10))],
      [2, () => hi + Math.max(1e-9, Math.abs(hi) * f.logUniform(1e-9, 1e3))],
      // Absurd numbers that really are out of range for this parameter (1e7 is a fine seed).
      [2, () => f.pick(ABSURD_NUMBERS.filter((v) => !(v >= lo && v <= hi) || (p.type === 'integer' && !Number.isInteger(v))))],
      [3, () => wrongTyped(f, p)],
      // A width far finer than the domain: its quadrature grid would take minutes or run out of memory.
      [p.name === 'epsilon' ? 3 : 0, () => f.logUniform(1e-300, 0.004)],
    ]);
  }
  if (p.type === 'string' && p.choices) {
    const c = f.pick(p.choices);
    return f.oneOf<unknown>([[3, () => f.pick([c.toUpperCase(), ` ${c}`, `${c} `, `${c}\n`, '', 'voronoi', 'x'.repeat(100_000)])], [2, () => wrongTyped(f, p)]]);
  }
  return wrongTyped(f, p);
}

/** Start-up overrides (as --ros-args -p would give them): good ones, invalid topic and robot names, bad counts. */
function startupParameters(f: Fuzz): { parameters: Record<string, unknown>; bad: string[] } {
  const parameters: Record<string, unknown> = {};
  const bad: string[] = [];
  for (let n = f.int(1, 3); n > 0; n--) {
    f.oneOf<void>([
      [3, () => {
        const p = f.pick(READ_ONLY.filter((q) => q.name.endsWith('topic')));
        // The node's own topics may be absolute; the robots' are relative to each robot's namespace.
        parameters[p.name] = f.pick(p.name === 'estop_topic' || p.name === 'swarm_poses_topic' || p.name === 'swarm_density_topic' ? BAD_TOPICS : [...BAD_TOPICS, ...NOT_RELATIVE_TOPICS]);
        bad.push(p.name);
      }],
      [2, () => {
        parameters.robot_names = f.pick([['a', 'a'], ['a b'], ['1x'], ['ok', ''], ['x-y'], [42], 'robot_0']);
        bad.push('robot_names');
      }],
      [2, () => {
        parameters.robot_count = f.pick([0, -1, 1.5, 10_001, NaN, Infinity, '3', 3n, null]);
        bad.push('robot_count');
      }],
      [1, () => {
        parameters.robot_prefix = f.pick(['', '1x', 'a-b', 'a/b', 7]);
        bad.push('robot_prefix');
      }],
      [2, () => {
        const p = f.pick(CONTROLLER_SCHEMA.filter((q) => q.choices));
        parameters[p.name] = badValue(f, p);
        bad.push(p.name);
      }],
      [2, () => {
        const p = f.pick(LIVE.filter((q) => q.type === 'double'));
        parameters[p.name] = badValue(f, p);
        bad.push(p.name);
      }],
      [3, () => {
        const good = { robot_count: f.int(1, 12), pose_topic: f.pick(['odom', 'pose', 'mocap/pose', 'a/b_c']), estop_topic: f.pick(['/emergency_stop', 'estop', '~/stop']), swarm_poses_topic: f.pick(['swarm_poses', '/fleet/poses']) };
        for (const [name, value] of Object.entries(good)) if (!(name in parameters)) parameters[name] = value;
      }],
    ]);
  }
  return { parameters, bad: [...new Set(bad)] };
}

test('parameters: refused with a reason naming them, configuration unchanged; accepted ones apply; commands stay safe', async () => {
  const f = new Fuzz(SEED);
  const failures = new Failures('parameters');
  const N = 2000;
  let r = rig({});
  run(r, 0.3, f);
  drain(r);
  for (let k = 0; k < N; k++) {
    if (f.chance(0.05)) {
      const { parameters, bad } = startupParameters(f);
      const input = show(parameters);
      try {
        rig(parameters as ParamValues);
        if (bad.length) failures.add('start-up accepted bad parameters', k, input, `expected a refusal naming ${bad.join(' or ')}`);
      } catch (e) {
        if (isEngineError(e)) failures.add(`start-up threw ${(e as Error).name ?? 'a non-error'}`, k, input, thrown(e));
        else if (bad.length === 0) failures.add('start-up refused good parameters', k, input, thrown(e));
        else if (!bad.some((n) => names((e as Error).message, n))) failures.add('start-up refusal does not name the parameter', k, input, thrown(e));
      }
      continue;
    }
    const entries = new Map<string, Entry>();
    for (let n = f.chance(0.6) ? 1 : f.int(2, 4); n > 0; n--) {
      const e = entry(f, k);
      entries.set(e.name, e);
    }
    const before = structuredClone(effective(r.ctl));
    const law = r.ctl.controller.currentLaw;
    const inline = String(entries.get('target')?.value ?? before.target);
    if (entries.has('target_file') && inline.trim() !== '') entries.set('target_file', { ...entries.get('target_file')!, expect: 'either' });
    const list = [...entries.values()];
    const expect: Expect = list.some((e) => e.expect === 'bad') ? 'bad' : list.every((e) => e.expect === 'good') ? 'good' : 'either';
    const updates = Object.fromEntries(list.map((e) => [e.name, e.value])) as ParamValues;
    const input = show(updates);
    let verdict: ParamVerdict;
    try {
      verdict = r.node.setParameters(updates);
    } catch (e) {
      failures.add(`setParameters threw ${e instanceof Error ? e.name : 'a non-error'}`, k, input, thrown(e));
      r = rig({});
      continue;
    }
    // A change the quick checks pass is built aside: one that fails to build is refused then, its build keys restored.
    let unchanged = before;
    if (verdict.successful && BUILD_KEYS.some((name) => name in updates)) {
      await r.ctl.whenSettled();
      const status = r.ctl.targetStatus;
      if (status.state === 'refused') {
        verdict = { successful: false, reason: status.reason };
        unchanged = { ...before, ...Object.fromEntries(Object.entries(updates).filter(([name]) => !BUILD_KEYS.includes(name))) };
      } else if (status.state !== 'ok') {
        failures.add('a build did not settle', k, input, status.state);
        r = rig({});
        continue;
      }
    }
    const after = effective(r.ctl);
    if (!verdict.successful) {
      // The reason must name an entry that may be wrong (an inline target hands over to target_file when blank).
      const blamed = [...list.filter((e) => e.expect !== 'good').map((e) => e.name), ...(entries.has('target') ? ['target_file'] : [])];
      if (expect === 'good') failures.add('refused a good update', k, input, verdict.reason);
      else if (typeof verdict.reason !== 'string' || verdict.reason.trim() === '') failures.add('refusal without a reason', k, input, show(verdict));
      else if (!blamed.some((n) => names(verdict.reason, n))) failures.add('refusal does not name the parameter', k, input, verdict.reason);
      try {
        assert.deepEqual(after, unchanged);
        assert.equal(r.ctl.controller.currentLaw, law);
      } catch {
        failures.add('configuration changed by a refused update', k, input, `before ${show(unchanged)}\n      after ${show(after)}`);
        r = rig({});
        continue;
      }
      if (k % 10 === 0) {
        run(r, 1.5 / (after.rate as number), f);
        const problem = drain(r).flat().map((c) => commandProblem(c, after, false)).find((p) => p);
        if (problem) failures.add('unsafe command after a refused update', k, input, problem);
      }
      continue;
    }
    if (expect === 'bad') {
      failures.add('accepted a bad update', k, input, `bad: ${list.filter((e) => e.expect === 'bad').map((e) => e.name).join(', ')}`);
      r = rig({}); // never tick on a configuration that should have been refused (a fine eps would take minutes)
      continue;
    }
    const problem = acceptedProblem(r, before, law, updates, f);
    if (problem) {
      failures.add(problem.kind, k, input, problem.detail);
      r = rig({});
    }
  }
  failures.check(N);
});

/** Checks that an accepted update applied: the node's values, the law, the rate, the limits, the density grid. */
function acceptedProblem(r: Rig, before: Record<string, ParamValue>, law: unknown, updates: ParamValues, f: Fuzz): { kind: string; detail: string } | undefined {
  const v = effective(r.ctl);
  const merged = { ...before, ...updates };
  try {
    assert.deepEqual(v, merged);
  } catch {
    return { kind: 'accepted update not in the node values', detail: `expected ${show(merged)}\n      got ${show(v)}` };
  }
  const current = r.ctl.controller.currentLaw;
  // A change back to the value in force builds nothing: the law in force already is that law.
  if (LAW_KEYS.some((key) => key in updates && updates[key] !== before[key])) {
    if (current === law) return { kind: 'accepted law change not applied', detail: 'the law is the same object' };
    if (current.algorithm !== v.algorithm) return { kind: 'accepted law change not applied', detail: `law ${current.algorithm}, values ${String(v.algorithm)}` };
    if (current instanceof BlobLaw) {
      const expected = { method: v.method, epsilon: v.epsilon, diffusivity: v.diffusivity, period: 1 / (v.rate as number) };
      if (show(current.settings) !== show(expected)) return { kind: 'accepted law change not applied', detail: `law settings ${show(current.settings)}, values ${show(expected)}` };
    }
  }
  r.densities.splice(0, r.densities.length - 1);
  drain(r);
  r.markers = 0;
  const seconds = 'rate' in updates ? 1 : 1.5 / (v.rate as number);
  const start = r.clock.now();
  run(r, seconds, f);
  const commands = drain(r);
  const problem = commands.flat().map((c) => commandProblem(c, v, false)).find((p) => p);
  if (problem) return { kind: 'unsafe command after an accepted update', detail: problem };
  const ticks = commands[0].length;
  if ('rate' in updates && Math.abs(ticks - (v.rate as number)) > 1.001) return { kind: 'accepted rate not applied', detail: `${ticks} commands in 1 s at rate ${v.rate}` };
  if (ticks === 0) return { kind: 'controller stopped ticking', detail: `no command in ${seconds} s from ${start}` };
  if ((v.publish_markers === true) !== r.markers > 0) return { kind: 'publish_markers not applied', detail: `${r.markers} marker arrays with publish_markers ${v.publish_markers}` };
  if ('density_resolution' in updates) {
    const grid = r.densities.at(-1);
    const want = makeGrid(current.target.domain, v.density_resolution as number, 0).hx;
    if (!grid || Math.abs(grid.info.resolution - want) > 1e-9 * want) return { kind: 'accepted density_resolution not applied', detail: `latched density at ${grid?.info.resolution} m, expected ${want} m` };
  }
  return undefined;
}

test('parameters: a valid target on an absurd domain is refused or served, never thrown', async () => {
  const f = new Fuzz(SEED + 1);
  const failures = new Failures('parameters (absurd domains)');
  const N = 30;
  let r = rig({});
  for (let k = 0; k < N; k++) {
    // Square boxes from 1 km to 10^12 m, and boxes 10^4 to 10^9 times longer than wide.
    const w = f.pick([1e3, 1e4, 1e6, 1e9, 1e12]);
    const h = f.chance(0.7) ? w : w * f.pick([1e-4, 1e-6, 1e-9]);
    const updates: Record<string, unknown> = { target: stringify({ domain: { xmin: 0, xmax: w, ymin: 0, ymax: h }, target: { type: 'mixture', components: [{ type: 'uniform' }] } }) };
    if (f.chance(0.4)) updates.epsilon = f.uniform(0.05, 1);
    if (f.chance(0.5)) updates.density_resolution = f.pick([1, 10]);
    const input = show(updates);
    const before = structuredClone(effective(r.ctl));
    const law = r.ctl.controller.currentLaw;
    let verdict: ParamVerdict;
    try {
      verdict = r.node.setParameters(updates as ParamValues);
    } catch (e) {
      failures.add(`setParameters threw ${e instanceof Error ? e.name : 'a non-error'}`, k, input, thrown(e));
      r = rig({});
      continue;
    }
    if (verdict.successful) {
      await r.ctl.whenSettled();
      const status = r.ctl.targetStatus;
      if (status.state === 'refused') verdict = { successful: false, reason: status.reason };
    }
    if (!verdict.successful) {
      const reason = verdict.reason;
      if (!Object.keys(updates).some((n) => names(reason, n))) failures.add('refusal does not name the parameter', k, input, reason);
      if (show(effective(r.ctl)) !== show(before) || r.ctl.controller.currentLaw !== law) failures.add('configuration changed by a refused update', k, input, show(effective(r.ctl)));
      continue;
    }
    // Accepted: the law must be one the node can build within a control period (a grid of a few million nodes).
    const current = r.ctl.controller.currentLaw;
    if (!(current instanceof BlobLaw)) continue;
    const eps = current.epsilonFor(ROBOTS);
    const d = current.target.domain;
    const nodes = ((d.xmax - d.xmin) / (0.5 * eps) + 20) * ((d.ymax - d.ymin) / (0.5 * eps) + 20);
    if (!(nodes < 4e6)) {
      failures.add('accepted a width too fine for the domain', k, input, `eps ${eps} m on ${show(d)}: ~${nodes.toExponential(1)} grid nodes`);
      r = rig({});
      continue;
    }
    try {
      run(r, 0.3, f);
      const problem = drain(r).flat().map((c) => commandProblem(c, effective(r.ctl), false)).find((p) => p);
      if (problem) failures.add('unsafe command', k, input, problem);
    } catch (e) {
      failures.add(`tick threw ${e instanceof Error ? e.name : 'a non-error'}`, k, input, thrown(e));
      r = rig({});
    }
  }
  failures.check(N);
});

// ---------------------------------------------------------------------------------------------------------------
// Poses and the emergency stop.

test('poses: bad ones are ignored with a WARN and never move the record; commands stay finite and within limits', () => {
  const f = new Fuzz(SEED + 2);
  const failures = new Failures('poses');
  const N = 5000;
  const rigs = [
    { r: rig({}), type: 'odometry' as const },
    { r: rig({ pose_type: 'pose_stamped', pose_topic: 'pose', cmd_type: 'twist_stamped', drive: 'diff_drive' }), type: 'pose_stamped' as const },
  ];
  const badFor = rigs.map(() => new Set<number>());
  /** The emergency stop state of rig 0: while it is on, every command must be zero. */
  let stop: 'on' | 'off' = 'off';
  for (let k = 0; k < N; k++) {
    const which = f.int(0, 1);
    const { r, type } = rigs[which];
    if (which === 0 && f.chance(0.06)) {
      const m = f.oneOf<unknown>([[2, () => ({ data: true })], [2, () => ({ data: false })], [5, () => f.pick<unknown>([null, undefined, {}, { data: null }, { data: 'false' }, { data: 0 }, { data: 1 }, { data: NaN }, 'true', [], { data: [] }])]]);
      const input = `emergency stop ${show(m)}`;
      try {
        r.estop.publish(m);
        r.bus.flush();
      } catch (e) {
        failures.add(`emergency stop message threw ${e instanceof Error ? e.name : 'a non-error'}`, k, input, thrown(e));
      }
      const data = (m as { data?: unknown } | null | undefined)?.data;
      const actual = r.ctl.controller.emergencyStop ? 'on' : 'off';
      if (typeof data === 'boolean' && actual !== (data ? 'on' : 'off')) failures.add('emergency stop not applied', k, input, `the stop is ${actual}`);
      else if (typeof data !== 'boolean' && stop === 'on' && actual === 'off') failures.add('malformed message released the emergency stop', k, input, 'the stop was on');
      stop = actual;
      continue;
    }
    const i = f.int(0, ROBOTS - 1);
    const now = r.clock.now();
    const domain = r.ctl.controller.currentLaw.target.domain;
    const p = poseMessage(f, type, domain, timeMsg(now));
    const input = `${type} to robot_${i}: ${p.what}: ${show(p.message)}`;
    const before = r.ctl.controller.positions();
    const age = r.ctl.controller.poseAges(now)[i];
    try {
      r.poses[i].publish(p.message);
      r.bus.flush();
    } catch (e) {
      failures.add(`${type} message threw ${e instanceof Error ? e.name : 'a non-error'}`, k, input, thrown(e));
    }
    const after = r.ctl.controller.positions();
    const ageAfter = r.ctl.controller.poseAges(now)[i];
    if (p.good && (after[2 * i] !== p.x || after[2 * i + 1] !== p.y || ageAfter !== 0)) {
      failures.add('good pose not recorded', k, input, `record (${after[2 * i]}, ${after[2 * i + 1]}), age ${ageAfter}`);
    } else if (!p.good) {
      badFor[which].add(i);
      if (after[2 * i] !== before[2 * i] || after[2 * i + 1] !== before[2 * i + 1] || !Object.is(ageAfter, age)) {
        failures.add('bad pose moved the record', k, input, `(${before[2 * i]}, ${before[2 * i + 1]}) -> (${after[2 * i]}, ${after[2 * i + 1]}), age ${age} -> ${ageAfter}`);
      }
    }
    if (k % 6 === 5) {
      for (const [n, { r: q }] of rigs.entries()) {
        try {
          q.clock.advanceTo(q.clock.now() + 0.1);
        } catch (e) {
          failures.add(`tick threw ${e instanceof Error ? e.name : 'a non-error'}`, k, input, thrown(e));
        }
        const problem = drain(q).flat().map((c) => commandProblem(c, effective(q.ctl), n === 0 && stop === 'on')).find((x) => x);
        if (problem) failures.add('unsafe command', k, input, problem);
      }
    }
    if (k % 1000 === 999) rigs[0].r.node.setParameters({ drive: f.pick(['holonomic', 'diff_drive']) });
  }
  rigs.forEach(({ r, type }, n) => {
    for (const i of badFor[n]) if (!r.warnings.some((w) => w.includes(`robot_${i}`))) failures.add('no WARN for a robot sent bad poses', N, `${type} robot_${i}`, `warnings: ${show(r.warnings.slice(0, 5))}`);
  });
  failures.check(N);
});

// ---------------------------------------------------------------------------------------------------------------
// Scenario files.

/** Keys of the scenario schema, for generated documents. */
const SCENARIO_KEYS = ['name', 'domain', 'target', 'blob', 'robots', 'sim', 'metrics', 'xmin', 'xmax', 'ymin', 'ymax', 'type', 'components', 'expr', 'map', 'floor', 'epsilon', 'diffusivity', 'method', 'count', 'initial', 'box', 'seed', 'positions', 'duration', 'max_speed', 'history_samples', 'mmd_bandwidth', 'weight', 'mean', 'sigma', 'cov'];

/** A random document built from the schema's own keys with junk and plausible values. */
function generatedDoc(f: Fuzz, depth = 0): unknown {
  const doc: Record<string, unknown> = {};
  for (let n = f.int(1, 5); n > 0; n--) {
    const key = f.pick(SCENARIO_KEYS);
    doc[key] = f.oneOf<unknown>([
      [3, () => yamlJunk(f)],
      [depth < 3 ? 3 : 0, () => generatedDoc(f, depth + 1)],
      [1, () => Array.from({ length: f.int(0, 4) }, () => (f.chance(0.5) ? f.uniform(-2, 2) : generatedDoc(f, depth + 2)))],
      [2, () => f.pick(['mixture', 'expression', 'map', 'uniform', 'gaussian', 'auto', 'x*y', 'target', 'positions'])],
      [2, () => f.uniform(-2, 2)],
    ]);
  }
  return doc;
}

/** One scenario input: a parsed document, or a text to write to a file. */
function scenarioInput(f: Fuzz): { doc?: unknown; text?: string; what: string } {
  const base = (f.chance(0.85) ? f.pick(CHEAP_SCENARIOS) : f.pick(SCENARIOS)).doc;
  return f.oneOf<{ doc?: unknown; text?: string; what: string }>([
    [11, () => {
      const m = mutateDoc(f, base);
      return { doc: m.doc, what: m.ops.join('; ') };
    }],
    [2, () => {
      const doc = { ...structuredClone(base), target: { type: 'map', map: f.pick([...MAP_FILES, 'map-ok.yaml', 42, null]) } };
      if (f.chance(0.5)) delete (doc as { domain?: unknown }).domain;
      const m = mutateDoc(f, doc);
      return { doc: f.chance(0.5) ? doc : m.doc, what: `map target; ${m.ops.join('; ')}` };
    }],
    [2, () => ({ doc: generatedDoc(f), what: 'generated document' })],
    [2, () => {
      const c = corruptText(f, stringify(f.chance(0.5) ? base : mutateDoc(f, base).doc));
      return { text: c.text, what: `text: ${c.op}` };
    }],
    [2, () => ({ text: junkDocument(f), what: 'junk document' })],
    [1, () => ({ doc: f.pick<unknown>([null, undefined, 42, 'scenario', [], [base], true, NaN]), what: 'non-mapping root' })],
  ]);
}

/** Targets built so far, by their spec (most mutations leave the target alone). */
const targetOutcomes = new Map<string, unknown>();

/** Why building the scenario's target went wrong in a way it must not, if it did. */
function targetProblem(s: Scenario): string | undefined {
  const key = show({ target: s.target, domain: s.domain, floor: s.targetFloor });
  if (!targetOutcomes.has(key)) {
    let outcome: unknown = 'ok';
    try {
      scenarioTarget(s);
    } catch (e) {
      outcome = e;
    }
    targetOutcomes.set(key, outcome);
  }
  const e = targetOutcomes.get(key);
  if (e === 'ok') return undefined;
  if (!(e instanceof ConfigError) || e.key !== 'target' || e.problem.trim() === '') return `scenarioTarget threw ${thrown(e)}`;
  // scenarioTarget turns every error into a ConfigError: look at the original one.
  try {
    new Target(s.target, s.domain, { floor: s.targetFloor });
  } catch (raw) {
    if (isEngineError(raw)) return `the target threw ${thrown(raw)} (reported as ${e.message})`;
  }
  return undefined;
}

/** Why a loader error breaks the contract (a ConfigError naming the key, and the file when there is one), if it does. */
function configErrorProblem(e: unknown, file?: string): string | undefined {
  if (!(e instanceof ConfigError)) return `threw ${thrown(e)}`;
  if (e.problem.trim() === '') return `empty problem: ${e.message}`;
  // A refusal of the whole document (not a scenario at all) names no key: keys that misspell none are not quoted.
  const whole = /^(is not valid YAML|is not a scenario|scenario file )/.test(e.problem);
  if (e.key === '' && !whole) return `no key named: ${e.message}`;
  // Keys show as messages quote them: on one line (control characters escaped).
  if (e.key !== '' && !e.message.includes(`'${clip(e.key, 80)}'`)) return `message does not name the key '${e.key}': ${e.message}`;
  if (file !== undefined && !e.message.startsWith(`${file}: `)) return `message does not name the file: ${e.message}`;
  return undefined;
}

test('scenario files: a valid Scenario or a ConfigError naming the key and the file, nothing else', () => {
  const f = new Fuzz(SEED + 3);
  const failures = new Failures('scenario files');
  const N = 2000;
  const loadMap = (p: string) => loadMapFile(resolve(DIR, p));
  for (let k = 0; k < N; k++) {
    const c = scenarioInput(f);
    const viaFile = c.text !== undefined || f.chance(0.15);
    const file = join(DIR, `scenario-${k}.yaml`);
    const input = `${c.what}: ${c.text !== undefined ? show(c.text) : show(c.doc)}`;
    let s: Scenario;
    try {
      if (viaFile) {
        writeFileSync(file, c.text ?? (c.doc === undefined ? '' : stringify(c.doc)));
        s = loadScenario(file);
      } else {
        s = parseScenario(c.doc, loadMap);
      }
    } catch (e) {
      const problem = configErrorProblem(e, viaFile ? file : undefined);
      if (problem) failures.add(e instanceof ConfigError ? 'ConfigError without key or file' : `threw ${e instanceof Error ? e.name : 'a non-error'}`, k, input, problem);
      continue;
    }
    const problem = targetProblem(s);
    if (problem) failures.add('building the target failed unexpectedly', k, input, problem);
  }
  failures.check(N);
});

// ---------------------------------------------------------------------------------------------------------------
// Map files.

const MAP_KEYS = ['image', 'resolution', 'origin', 'negate', 'occupied_thresh', 'free_thresh', 'mode'] as const;
/** The image of the map files whose fault is in the YAML (written once: file writes dominate the test's time). */
const SHARED_IMAGE = 'shared.pgm';

/** One map file input: its YAML text, its image, and whether loading must succeed, fail (naming a key), or may do either. */
interface MapInput {
  readonly yaml: string;
  readonly image?: ImageInput;
  readonly imageName: string;
  readonly expect: 'ok' | 'either' | { readonly key?: string };
  /** A header claiming a huge image: it must be refused fast. */
  readonly huge: boolean;
  readonly what: string;
}

function mapInput(f: Fuzz, k: number): MapInput {
  const image = goodImage(f);
  const imageName = `map${k}.${image.ext}`;
  const doc: Record<string, unknown> = { image: imageName, resolution: f.logUniform(0.001, 1), origin: f.chance(0.8) ? [f.uniform(-5, 5), f.uniform(-5, 5), 0] : [f.uniform(-5, 5), f.uniform(-5, 5)] };
  if (f.chance(0.5)) doc.negate = f.pick([0, 1, true, false]);
  if (f.chance(0.3)) doc.occupied_thresh = f.uniform(0, 1);
  if (f.chance(0.3)) doc.free_thresh = f.uniform(0, 1);
  if (f.chance(0.3)) doc.mode = f.pick(['trinary', 'scale', 'raw']);
  return f.oneOf<MapInput>([
    [3, () => ({ yaml: stringify(doc), image, imageName, expect: 'ok', huge: false, what: `good ${image.what}` })],
    [5, () => {
      const key = f.pick([...MAP_KEYS, 'unknown']);
      const bad: Record<string, () => unknown> = {
        image: () => f.pick<unknown>([undefined, '', 42, null, [imageName], {}, 'missing.pgm', '/dev/zero', DIR, `m${k}.yaml`, 'x'.repeat(5000)]),
        resolution: () => f.pick<unknown>([undefined, 0, -0, -1, NaN, Infinity, -Infinity, '0.05', null, [], {}, true]),
        origin: () => f.pick<unknown>([[0], [1, 2, 3, 4], ['a', 0], [NaN, 0], [0, Infinity], [0, 0, 0.5], [0, 0, NaN], 'origin', { x: 0 }, 7, [[0, 0]]]),
        negate: () => f.pick<unknown>([2, -1, 0.5, 'yes', 'true', null, [], {}, NaN]),
        occupied_thresh: () => f.pick<unknown>([-0.1, 1.5, NaN, Infinity, '0.5', [], {}, true]),
        free_thresh: () => f.pick<unknown>([-1e-9, 1 + 1e-9, NaN, -Infinity, '0.2', [0.2], false]),
        mode: () => f.pick<unknown>(['Trinary', 'occupancy', '', 42, null, [], { raw: 1 }]),
      };
      const name = key === 'unknown' ? f.pick(['colour', 'image2', 'Resolution', '', 'origin ', '__proto__']) : key;
      const value = key === 'unknown' ? yamlJunk(f) : bad[key]();
      const m: Record<string, unknown> = { ...doc, image: SHARED_IMAGE };
      if (value === undefined) delete m[name];
      else Object.defineProperty(m, name, { value, enumerable: true, writable: true, configurable: true });
      return { yaml: stringify(m), imageName, expect: { key: name }, huge: false, what: `${name} = ${show(value)}` };
    }],
    [4, () => {
      const b = badImage(f);
      const name = `map${k}.${b.ext}`;
      return { yaml: stringify({ ...doc, image: name }), image: b, imageName: name, expect: b.surelyBad ? { key: 'image' } : 'either', huge: b.huge, what: `image: ${b.what}` };
    }],
    [1, () => ({ yaml: junkDocument(f), imageName, expect: {}, huge: false, what: 'junk document' })],
    [1, () => {
      const c = corruptText(f, stringify({ ...doc, image: SHARED_IMAGE }));
      return { yaml: c.text, imageName, expect: 'either', huge: false, what: `text: ${c.op}` };
    }],
  ]);
}

/** True when `message` refuses the unknown map key `key` as it must: naming it only when it misspells a known key. */
function unknownKeyRefusal(key: string, message: string): boolean {
  return !(MAP_KEYS as readonly string[]).includes(key) && /is not a map: it has a key that is not one of /.test(message);
}

test('map files: loaded, or a MapFileError naming the file and the key; huge headers refused fast', () => {
  const f = new Fuzz(SEED + 4);
  const failures = new Failures('map files');
  const N = 1500;
  const dir = join(DIR, 'maps');
  mkdirSync(dir);
  writeFileSync(join(dir, SHARED_IMAGE), encodePgm({ width: 4, height: 3, values: new Float64Array(12).fill(0.5) }));
  for (let k = 0; k < N; k++) {
    const c = mapInput(f, k);
    const file = join(dir, `m${k}.yaml`);
    if (c.image) writeFileSync(join(dir, c.imageName), c.image.bytes);
    writeFileSync(file, c.yaml);
    const input = `${c.what}\n      yaml: ${show(c.yaml)}${c.image ? `\n      image: ${show(c.image.bytes)}` : ''}`;
    const started = performance.now();
    try {
      const m = loadMapFile(file);
      const { width, height, values: px, resolution, origin } = m.raster;
      if (c.expect !== 'ok' && c.expect !== 'either') failures.add('accepted a bad map', k, input, `expected a refusal${c.expect.key !== undefined ? ` naming '${c.expect.key}'` : ''}`);
      else if (!(width >= 1 && height >= 1 && px.length === width * height && px.every((v) => v >= 0 && v <= 1) && resolution > 0 && Number.isFinite(resolution) && origin.every(Number.isFinite))) {
        failures.add('inconsistent map', k, input, `${width} x ${height}, ${px.length} values, resolution ${resolution}, origin ${show(origin)}`);
      }
    } catch (e) {
      if (!(e instanceof MapFileError)) failures.add(`threw ${e instanceof Error ? e.name : 'a non-error'}`, k, input, thrown(e));
      else if (!e.message.includes(file)) failures.add('MapFileError without the file', k, input, e.message);
      else if (c.expect === 'ok') failures.add('refused a good map', k, input, e.message);
      else if (c.expect !== 'either' && c.expect.key !== undefined && !e.message.includes(`'${c.expect.key}'`) && !(unknownKeyRefusal(c.expect.key, e.message))) failures.add('MapFileError without the key', k, input, e.message);
    }
    const ms = performance.now() - started;
    if (c.huge && ms > 250) failures.add('huge header not refused fast', k, input, `${ms.toFixed(0)} ms`);
  }
  failures.check(N);
});

test('at least 10,000 bad inputs in all', () => {
  assert.ok(total >= 10_000, `${total} inputs`);
});
