import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { parse } from 'yaml';
import { gzBridgeYaml } from '../../src/deploy/gz-bridge.js';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';
import { checkParam, specOf } from '../../src/params/schema.js';
import { targetFromParameters } from '../../src/scenario/target-param.js';
import { SIMULATOR_SCHEMA } from '../../src/sim/params.js';
import { checkRosParams, launchRun, nodeParameters, root, runLaunch } from './deploy-helpers.js';
import type { LaunchAction } from './deploy-helpers.js';

const WORLD = join(root, 'gz', 'worlds', 'swarm.sdf');
const MODEL = join(root, 'gz', 'models', 'blob_diff_drive', 'model.sdf');
const CONFIG = join(root, 'config', 'blob_coverage.yaml');
const CONTROLLER = 'blob_coverage_controller';
const SIMULATOR = 'swarm_simulator';
const LAUNCH_FILES = ['swarm.launch.py', 'blob_coverage.launch.xml', 'gz_swarm.launch.py'];

/** Runs a Python snippet with files as arguments; its stdout as JSON. */
function python(code: string, ...args: string[]): unknown {
  const r = spawnSync('python3', ['-B', '-c', code, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const cmdOf = (a: LaunchAction) => a.kwargs.cmd as string[];
const argAfter = (list: string[], flag: string) => list[list.indexOf(flag) + 1];
/** The process of a node (ExecuteProcess from a checkout) by its node name. */
function processOf(actions: LaunchAction[], node: string): LaunchAction {
  const found = actions.filter((a) => a.type === 'ExecuteProcess' && a.kwargs.name === node);
  assert.equal(found.length, 1, `one process named ${node} among ${actions.map((a) => a.kwargs.name).join(', ')}`);
  return found[0];
}

test('every Python launch file compiles, and the XML launch file, the SDF files and the model config are well formed', () => {
  const py = readdirSync(join(root, 'launch')).filter((f) => f.endsWith('.py')).map((f) => join(root, 'launch', f));
  assert.ok(py.length >= 2);
  const out = mkdtempSync(join(tmpdir(), 'blob-pyc-'));
  python('import json, py_compile, sys\nfor i, f in enumerate(sys.argv[2:]): py_compile.compile(f, cfile=f"{sys.argv[1]}/{i}.pyc", doraise=True)\nprint("[]")', out, ...py);
  rmSync(out, { recursive: true });
  const xml = [join(root, 'launch', 'blob_coverage.launch.xml'), WORLD, MODEL, join(dirname(MODEL), 'model.config')];
  const roots = python('import json, sys, xml.etree.ElementTree as ET\nprint(json.dumps([ET.parse(f).getroot().tag for f in sys.argv[1:]]))', ...xml);
  assert.deepEqual(roots, ['launch', 'sdf', 'sdf', 'model']);
});

test('the three launch files declare the same arguments with the same choices; the XML file mirrors swarm.launch.py', () => {
  // $(dirname)/../config resolves to launch/../config: compare paths normalized.
  // (gz_swarm with simulate:=false: the arguments are the same, without generating a bridge and spawn poses.)
  const [swarm, xml, gz] = LAUNCH_FILES.map((f) => launchRun(f, f.startsWith('gz') ? ['simulate:=false'] : []).run!.declared.map((d) => ({ ...d, default: d.default.startsWith('/') ? normalize(d.default) : d.default })));
  const names = swarm.map((d) => d.name);
  for (const required of ['params_file', 'namespace', 'log_level', 'use_rviz', 'use_sim_time', 'robot_count', 'drive', 'scenario', 'simulate', 'cmd_type', 'pose_topic', 'pose_type', 'world_frame']) {
    assert.ok(names.includes(required), required);
  }
  assert.deepEqual(xml, swarm, 'names, defaults, choices and descriptions');
  assert.deepEqual(gz.map((d) => d.name), [...names, 'min_separation']);
  for (const d of swarm) assert.deepEqual(gz.find((g) => g.name === d.name)!.choices, d.choices, d.name);
  assert.ok(swarm.every((d) => d.description.length > 10));
  // Fixed sets have choices: booleans, the log level, and the parameters' own choices (empty: the file's value).
  const choices = Object.fromEntries(swarm.map((d) => [d.name, d.choices]));
  for (const b of ['use_rviz', 'use_sim_time', 'simulate', 'controller']) assert.deepEqual(choices[b], ['true', 'false'], b);
  assert.deepEqual(choices.log_level, ['debug', 'info', 'warn', 'error', 'fatal']);
  for (const p of ['drive', 'cmd_type', 'pose_type']) assert.deepEqual(choices[p], ['', ...specOf(CONTROLLER_SCHEMA, p)!.choices!], p);
  assert.equal(Object.fromEntries(swarm.map((d) => [d.name, d.default])).params_file, CONFIG);
});

test('a value outside an argument\'s choices, a bad robot count or a missing file is refused with the reason', () => {
  for (const file of LAUNCH_FILES) {
    const r = launchRun(file, ['drive:=diffdrive']);
    assert.notEqual(r.status, 0, file);
    assert.match(r.stderr, /Argument "drive" provided value "diffdrive" is not valid\. Valid options are: \['', 'holonomic', 'diff_drive'\]/, file);
  }
  assert.match(launchRun('swarm.launch.py', ['use_rviz:=yes']).stderr, /"use_rviz" provided value "yes"/);
  assert.match(launchRun('swarm.launch.py', ['robot_count:=ten']).stderr, /robot_count must be a whole number >= 1, got 'ten'/);
  assert.match(launchRun('swarm.launch.py', ['params_file:=/nonexistent/p.yaml']).stderr, /params_file: no such file \/nonexistent\/p\.yaml/);
  assert.match(launchRun('blob_coverage.launch.xml', ['scenario:=/nonexistent/s.yaml']).stderr, /scenario: no such file/);
  assert.match(launchRun('swarm.launch.py', ['pose_type:=pose_stamped', 'pose_topic:=odom']).stderr, /pose_type:=pose_stamped with simulate:=true needs pose_topic:=pose/);
  assert.match(launchRun('gz_swarm.launch.py', ['cmd_type:=twist_stamped']).stderr, /cmd_type:=twist_stamped does not fit the Gazebo robots/);
});

test('from a checkout: both nodes named, bin/*.js with the parameter file; an empty argument leaves the file\'s value', () => {
  for (const file of ['swarm.launch.py', 'blob_coverage.launch.xml']) {
    const actions = runLaunch(file);
    assert.deepEqual(actions.map((a) => [a.type, a.kwargs.name]), [['ExecuteProcess', SIMULATOR], ['ExecuteProcess', CONTROLLER]], file);
    for (const [node, script, schema] of [[SIMULATOR, 'blob-coverage-simulator.js', SIMULATOR_SCHEMA], [CONTROLLER, 'blob-coverage-controller.js', CONTROLLER_SCHEMA]] as const) {
      const cmd = cmdOf(processOf(actions, node));
      assert.deepEqual(cmd.slice(0, 7), ['node', join(root, 'bin', script), '--ros-args', '-r', `__node:=${node}`, '--params-file', CONFIG]);
      assert.deepEqual(checkRosParams(cmd, schema, node), ['use_sim_time']);
      assert.equal(argAfter(cmd, '--log-level'), 'info');
      assert.ok(!cmd.some((w) => w.startsWith('__ns:=')), 'no namespace');
      // What the node reads: config/blob_coverage.yaml's section for it, unchanged.
      const file = (parse(readFileSync(CONFIG, 'utf8')) as Record<string, { ros__parameters: Record<string, unknown> }>)[node].ros__parameters;
      assert.deepEqual(nodeParameters(cmd, node), { ...file, use_sim_time: false });
    }
  }
});

test('given arguments override the file for the node they concern, and the simulator and the controller agree', () => {
  const scenario = join(root, 'scenarios', 'demo.yaml');
  const args = ['robot_count:=4', 'robot_prefix:=tb3_', 'drive:=diff_drive', 'cmd_type:=twist_stamped', 'world_frame:=odom', 'scenario:=scenarios/demo.yaml', 'log_level:=debug', 'pose_topic:=ground_truth'];
  for (const file of ['swarm.launch.py', 'blob_coverage.launch.xml']) {
    const actions = runLaunch(file, ...args);
    const sim = cmdOf(processOf(actions, SIMULATOR));
    const ctl = cmdOf(processOf(actions, CONTROLLER));
    checkRosParams(sim, SIMULATOR_SCHEMA, SIMULATOR);
    checkRosParams(ctl, CONTROLLER_SCHEMA, CONTROLLER);
    assert.ok(sim.indexOf('-p') > sim.indexOf('--params-file'), 'overrides after the file');
    const s = nodeParameters(sim, SIMULATOR);
    const c = nodeParameters(ctl, CONTROLLER);
    for (const p of ['robot_count', 'robot_prefix', 'drive', 'cmd_type', 'world_frame', 'pose_topic']) assert.equal(s[p], c[p], p);
    assert.deepEqual([c.robot_count, c.robot_prefix, c.drive, c.cmd_type, c.world_frame, c.pose_topic], [4, 'tb3_', 'diff_drive', 'twist_stamped', 'odom', 'ground_truth']);
    assert.equal(c.target_file, scenario);
    assert.equal(s.scenario, scenario);
    assert.equal(c.rate, 10.0, "the controller's rate from its own section");
    assert.equal(s.rate, 50.0, "the simulator's rate from its own section");
    assert.equal(argAfter(ctl, '--log-level'), 'debug');
  }
  // A string that YAML would read as a number or a boolean stays a string.
  const c = nodeParameters(cmdOf(processOf(runLaunch('swarm.launch.py', 'world_frame:=1', 'robot_prefix:=true'), CONTROLLER)), CONTROLLER);
  assert.deepEqual([c.world_frame, c.robot_prefix], ['1', 'true']);
});

test('a /** parameter file of the user loses to the launch arguments but sets what they leave empty', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'blob-params-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const mine = join(dir, 'mine.yaml');
  writeFileSync(mine, '/**:\n  ros__parameters:\n    robot_count: 7\n    drive: diff_drive\n    max_linear_speed: 0.15\n');
  const actions = runLaunch('swarm.launch.py', `params_file:=${mine}`, 'robot_count:=3');
  const c = nodeParameters(cmdOf(processOf(actions, CONTROLLER)), CONTROLLER);
  assert.deepEqual([c.robot_count, c.drive, c.max_linear_speed], [3, 'diff_drive', 0.15]);
});

test('namespace:= puts both nodes in it; an enclosing push-ros-namespace is applied to the checkout processes too', () => {
  const ns = (actions: LaunchAction[]) => actions.map((a) => cmdOf(a).find((w) => w.startsWith('__ns:=')));
  assert.deepEqual(ns(runLaunch('swarm.launch.py', 'namespace:=swarm_a')), ['__ns:=/swarm_a', '__ns:=/swarm_a']);
  assert.deepEqual(ns(runLaunch('blob_coverage.launch.xml', 'namespace:=swarm_b')), ['__ns:=/swarm_b', '__ns:=/swarm_b']);
  const pushed = (...args: string[]) => ns(launchRun('swarm.launch.py', ['--ros-namespace=/site', ...args]).run!.actions);
  assert.deepEqual(pushed('namespace:=swarm_a'), ['__ns:=/site/swarm_a', '__ns:=/site/swarm_a']);
  assert.deepEqual(pushed(), ['__ns:=/site', '__ns:=/site']);
  assert.deepEqual(pushed('namespace:=/abs'), ['__ns:=/abs', '__ns:=/abs'], 'an absolute namespace is not prefixed');
});

test('real robots: simulate:=false starts the controller alone with the given file, pose topic and type, frame', () => {
  const tb3 = join(root, 'config', 'turtlebot3.yaml');
  for (const file of ['swarm.launch.py', 'blob_coverage.launch.xml']) {
    const actions = runLaunch(file, 'simulate:=false', `params_file:=${tb3}`, 'pose_topic:=pose', 'pose_type:=pose_stamped', 'world_frame:=mocap');
    assert.deepEqual(actions.map((a) => a.kwargs.name), [CONTROLLER]);
    const cmd = cmdOf(actions[0]);
    assert.equal(argAfter(cmd, '--params-file'), tb3);
    checkRosParams(cmd, CONTROLLER_SCHEMA, CONTROLLER);
    const c = nodeParameters(cmd, CONTROLLER);
    assert.deepEqual([c.pose_topic, c.pose_type, c.world_frame], ['pose', 'pose_stamped', 'mocap']);
    assert.deepEqual(c.robot_names, ['tb3_0', 'tb3_1', 'tb3_2', 'tb3_3'], 'the rest from the file');
  }
  assert.deepEqual(runLaunch('swarm.launch.py', 'controller:=false').map((a) => a.kwargs.name), [SIMULATOR]);
});

test('pose_type:=pose_stamped with the simulator: it also publishes PoseStamped, and the controller reads <robot>/pose', () => {
  const actions = runLaunch('swarm.launch.py', 'pose_type:=pose_stamped');
  const s = nodeParameters(cmdOf(processOf(actions, SIMULATOR)), SIMULATOR);
  const c = nodeParameters(cmdOf(processOf(actions, CONTROLLER)), CONTROLLER);
  assert.equal(s.also_pose_stamped, true);
  assert.deepEqual([c.pose_type, c.pose_topic], ['pose_stamped', 'pose']);
});

test('use_rviz:=true adds rviz2 with the shipped config, the fixed frame and the namespaced controller topics', () => {
  const plain = runLaunch('swarm.launch.py', 'use_rviz:=true');
  const rviz = plain.find((a) => a.kwargs.executable === 'rviz2')!;
  assert.equal(rviz.type, 'Node');
  assert.deepEqual([rviz.kwargs.package, rviz.kwargs.name], ['rviz2', 'rviz2']);
  assert.deepEqual(rviz.kwargs.arguments, ['-d', join(root, 'rviz', 'blob_coverage.rviz')]);
  assert.deepEqual(rviz.kwargs.remappings, []);
  assert.ok(!runLaunch('swarm.launch.py').some((a) => a.kwargs.executable === 'rviz2'));
  const ns = runLaunch('blob_coverage.launch.xml', 'use_rviz:=true', 'namespace:=swarm_a', 'world_frame:=odom', 'use_sim_time:=true').find((a) => a.kwargs.executable === 'rviz2')!;
  assert.deepEqual(ns.kwargs.arguments, ['-d', join(root, 'rviz', 'blob_coverage.rviz'), '-f', 'odom']);
  assert.deepEqual(ns.kwargs.parameters, [{ use_sim_time: true }]);
  const remaps = Object.fromEntries(ns.kwargs.remappings as [string, string][]);
  assert.equal(remaps['/blob_coverage_controller/markers'], '/swarm_a/blob_coverage_controller/markers');
  assert.equal(remaps['/blob_coverage_controller/target_density'], '/swarm_a/blob_coverage_controller/target_density');
});

test('gz_swarm.launch.py: gz sim headless, the generated bridge, one spawner per robot at spawn poses, the controller', (t) => {
  // Three robots where the scenario puts them; a fourth 5 cm from the third, which must be moved 0.2 m away.
  const dir = mkdtempSync(join(tmpdir(), 'blob-gz-launch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const listed: [number, number][] = [[0.5, 0.5], [-0.5, 0.5], [0.1, -0.5], [0.15, -0.5]];
  const scenario = join(dir, 'gz.yaml');
  writeFileSync(scenario, `domain: {xmin: -1.0, xmax: 1.0, ymin: -1.0, ymax: 1.0}\ntarget: {type: expression, expr: "1"}\nrobots: {count: 4, initial: {type: positions, positions: ${JSON.stringify(listed)}}}\n`);
  const actions = runLaunch('gz_swarm.launch.py', 'robot_count:=4', 'robot_prefix:=tb3_', `scenario:=${scenario}`, 'namespace:=swarm_a');
  assert.deepEqual(actions.map((a) => `${a.type}:${a.kwargs.executable ?? a.kwargs.name ?? ''}`), [
    'IncludeLaunchDescription:', 'Node:parameter_bridge', 'Node:create', 'Node:create', 'Node:create', 'Node:create', `ExecuteProcess:${CONTROLLER}`,
  ]);
  const [gz, bridge, ...rest] = actions;
  const spawners = rest.slice(0, 4);
  const controller = rest[4];

  const source = gz.args[0] as LaunchAction;
  assert.match(source.args[0] as string, /\/ros_gz_sim\/launch\/gz_sim\.launch\.py$/);
  const gzArgs = Object.fromEntries(gz.kwargs.launch_arguments as [string, string][]);
  assert.equal(gzArgs.gz_args, `-s -r -v 2 ${WORLD}`, 'server only (headless), running');
  assert.equal(gzArgs.on_exit_shutdown, 'true');

  assert.equal(bridge.kwargs.package, 'ros_gz_bridge');
  assert.equal(bridge.kwargs.namespace, 'swarm_a', 'the relative robot topics of the bridge follow the namespace');
  const [params] = bridge.kwargs.parameters as { config_file: string; use_sim_time: boolean }[];
  t.after(() => rmSync(dirname(params.config_file), { recursive: true, force: true }));
  assert.equal(params.use_sim_time, true);
  assert.equal(readFileSync(params.config_file, 'utf8'), gzBridgeYaml(['tb3_0', 'tb3_1', 'tb3_2', 'tb3_3']));

  const worldName = python('import json, sys, xml.etree.ElementTree as ET\nprint(json.dumps(ET.parse(sys.argv[1]).getroot().find("world").get("name")))', WORLD);
  const points = spawners.map((s, i) => {
    const a = s.kwargs.arguments as string[];
    assert.equal(s.kwargs.package, 'ros_gz_sim');
    assert.equal(argAfter(a, '-world'), worldName);
    assert.equal(argAfter(a, '-file'), MODEL);
    assert.equal(argAfter(a, '-name'), `tb3_${i}`);
    return [Number(argAfter(a, '-x')), Number(argAfter(a, '-y'))];
  });
  assert.deepEqual(points.slice(0, 3), listed.slice(0, 3), "the scenario's layout, to the bit");
  const [x, y] = points[3];
  assert.ok(Math.hypot(x - 0.1, y + 0.5) >= 0.2 && Math.hypot(x - 0.15, y + 0.5) < 0.3, `tb3_3 moved to (${x}, ${y})`);

  const cmd = cmdOf(controller);
  assert.deepEqual(cmd.slice(0, 2), ['node', join(root, 'bin', 'blob-coverage-controller.js')]);
  assert.ok(cmd.includes('__ns:=/swarm_a'));
  checkRosParams(cmd, CONTROLLER_SCHEMA, CONTROLLER);
  const c = nodeParameters(cmd, CONTROLLER);
  assert.deepEqual(
    [c.robot_count, c.robot_prefix, c.drive, c.world_frame, c.use_sim_time, c.robot_radius, c.target_file],
    [4, 'tb3_', 'diff_drive', 'world', true, 0.08, scenario],
  );
  // The controller listens and speaks on the ROS topics the bridge carries, with their types.
  const bridged = parse(readFileSync(params.config_file, 'utf8')) as { ros_topic_name: string; ros_type_name: string }[];
  assert.ok(bridged.some((e) => e.ros_topic_name === `tb3_0/${c.pose_topic}` && e.ros_type_name === 'nav_msgs/msg/Odometry'));
  assert.ok(bridged.some((e) => e.ros_topic_name === `tb3_0/${c.cmd_topic}` && e.ros_type_name === 'geometry_msgs/msg/Twist'));
  assert.deepEqual([c.cmd_type, c.pose_type], ['twist', 'odometry']);
});

test('gz_swarm.launch.py: simulate:=false starts the controller alone, controller:=false as well leaves nothing', () => {
  const alone = runLaunch('gz_swarm.launch.py', 'simulate:=false');
  assert.deepEqual(alone.map((a) => a.kwargs.name), [CONTROLLER]);
  assert.match(cmdOf(alone[0])[1], /blob-coverage-controller\.js$/);
  assert.deepEqual(runLaunch('gz_swarm.launch.py', 'simulate:=false', 'controller:=false'), []);
  const rviz = runLaunch('gz_swarm.launch.py', 'simulate:=false', 'controller:=false', 'use_rviz:=true');
  assert.deepEqual(rviz.map((a) => a.kwargs.arguments), [['-d', join(root, 'rviz', 'blob_coverage.rviz'), '-f', 'world']]);
});

test('the RViz config: fixed frame map, the controller\'s markers and latched density (transient local), TF', () => {
  const doc = parse(readFileSync(join(root, 'rviz', 'blob_coverage.rviz'), 'utf8')) as {
    'Visualization Manager': { 'Global Options': { 'Fixed Frame': string }; Displays: { Class: string; Enabled: boolean; Topic?: Record<string, string | number> }[] };
  };
  const vm = doc['Visualization Manager'];
  assert.equal(vm['Global Options']['Fixed Frame'], specOf(CONTROLLER_SCHEMA, 'world_frame')!.default);
  const display = (cls: string) => {
    const d = vm.Displays.find((x) => x.Class === `rviz_default_plugins/${cls}`);
    assert.ok(d && d.Enabled, cls);
    return d;
  };
  assert.equal(display('MarkerArray').Topic!.Value, `/${CONTROLLER}/markers`);
  const map = display('Map').Topic!;
  assert.equal(map.Value, `/${CONTROLLER}/target_density`);
  assert.deepEqual([map['Durability Policy'], map['Reliability Policy']], ['Transient Local', 'Reliable'], 'the grid is published once, latched');
  display('TF');
});

test('the example configs: per-node keys, values the schemas accept, offsets for every robot, a target that loads', () => {
  // Parameters the lead's ROS work adds; accepted here until the schema has them (then they are checked like the rest).
  for (const [file, nodes] of [['turtlebot3.yaml', [CONTROLLER]], ['crazyflie.yaml', [CONTROLLER, SIMULATOR]]] as const) {
    const doc = parse(readFileSync(join(root, 'config', file), 'utf8')) as Record<string, { ros__parameters: Record<string, unknown> }>;
    assert.deepEqual(Object.keys(doc), [...nodes], file);
    const cmd = ['--params-file', join(root, 'config', file)];
    for (const node of nodes) {
      const schema = node === CONTROLLER ? CONTROLLER_SCHEMA : SIMULATOR_SCHEMA;
      for (const [name, value] of Object.entries(nodeParameters(cmd, node))) {
        const spec = specOf(schema, name);
        assert.ok(spec, `${file}: unknown parameter ${node}.${name}`);
        assert.equal(checkParam(spec, value), undefined, `${file}: ${node}.${name}`);
      }
    }
    const c = doc[CONTROLLER].ros__parameters;
    const target = targetFromParameters(String(c.target), '', join(root, 'scenarios', 'demo.yaml'));
    assert.ok(target.domain.xmax > target.domain.xmin, `${file}: target domain`);
    if (c.pose_offsets !== undefined) assert.equal((c.pose_offsets as number[]).length, 3 * (c.robot_names as string[]).length, `${file}: x y yaw per robot`);
  }
  const tb3 = parse(readFileSync(join(root, 'config', 'turtlebot3.yaml'), 'utf8')).blob_coverage_controller.ros__parameters;
  assert.deepEqual([tb3.drive, tb3.cmd_type, tb3.max_linear_speed, tb3.max_angular_speed, tb3.robot_radius, tb3.pose_type], ['diff_drive', 'twist_stamped', 0.22, 2.84, 0.105, 'odometry']);
  // The Crazyflie dry run: the simulator publishes what the controller reads, in the same frame, for the same names.
  const actions = runLaunch('swarm.launch.py', `params_file:=${join(root, 'config', 'crazyflie.yaml')}`);
  const s = nodeParameters(cmdOf(processOf(actions, SIMULATOR)), SIMULATOR);
  const c = nodeParameters(cmdOf(processOf(actions, CONTROLLER)), CONTROLLER);
  assert.deepEqual(s.robot_names, c.robot_names);
  assert.deepEqual([s.also_pose_stamped, c.pose_type, c.pose_topic, s.world_frame, c.world_frame, s.drive, c.drive], [true, 'pose_stamped', 'pose', 'world', 'world', 'holonomic', 'holonomic']);
});
