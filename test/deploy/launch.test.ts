import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzBridgeYaml } from '../../src/deploy/gz-bridge.js';
import { CONTROLLER_SCHEMA } from '../../src/params/controller.js';
import { defaults } from '../../src/params/schema.js';
import { SIMULATOR_SCHEMA } from '../../src/sim/params.js';
import { checkRosParams, root, runLaunch, words } from './deploy-helpers.js';
import type { LaunchAction } from './deploy-helpers.js';

const WORLD = join(root, 'gz', 'worlds', 'swarm.sdf');
const MODEL = join(root, 'gz', 'models', 'blob_diff_drive', 'model.sdf');

/** Runs a Python snippet with files as arguments; its stdout as JSON. */
function python(code: string, ...args: string[]): unknown {
  const r = spawnSync('python3', ['-B', '-c', code, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

const cmdOf = (a: LaunchAction) => a.kwargs.cmd as string[];
const argAfter = (list: string[], flag: string) => list[list.indexOf(flag) + 1];

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

test('the robot model: DiffDrive on its own joints, OdometryPublisher (world poses) on the topic the bridge reads', () => {
  const model = python(
    `import json, sys, xml.etree.ElementTree as ET
m = ET.parse(sys.argv[1]).getroot().find('model')
plugins = {p.get('name'): {'filename': p.get('filename'), **{c.tag: c.text for c in p}} for p in m.findall('plugin')}
print(json.dumps({'joints': [j.get('name') for j in m.findall('joint')], 'plugins': plugins}))`,
    MODEL,
  ) as { joints: string[]; plugins: Record<string, Record<string, string>> };
  const drive = model.plugins['gz::sim::systems::DiffDrive'];
  const odom = model.plugins['gz::sim::systems::OdometryPublisher'];
  assert.equal(drive.filename, 'gz-sim-diff-drive-system');
  assert.equal(odom.filename, 'gz-sim-odometry-publisher-system');
  assert.ok(model.joints.includes(drive.left_joint) && model.joints.includes(drive.right_joint));
  // The bridge maps /model/<name>/cmd_vel and /model/<name>/odometry: the systems' defaults, so no topic is set...
  assert.equal(drive.topic, undefined);
  assert.equal(odom.odom_topic, undefined);
  // ...except DiffDrive's wheel odometry, which would otherwise share the OdometryPublisher's default topic.
  assert.ok(drive.odom_topic && !drive.odom_topic.endsWith('/odometry'), `DiffDrive odom_topic ${drive.odom_topic}`);
  assert.equal(odom.odom_frame, 'world');
  assert.equal(odom.dimensions, '2');
});

test('gz_swarm.launch.py: gz sim headless, the generated bridge, one spawner per robot at spawn poses, the controller', (t) => {
  // Three robots where the scenario puts them; a fourth 5 cm from the third, which must be moved 0.2 m away.
  const dir = mkdtempSync(join(tmpdir(), 'blob-gz-launch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const listed: [number, number][] = [[0.5, 0.5], [-0.5, 0.5], [0.1, -0.5], [0.15, -0.5]];
  const scenario = join(dir, 'gz.yaml');
  writeFileSync(scenario, `domain: {xmin: -1.0, xmax: 1.0, ymin: -1.0, ymax: 1.0}\ntarget: {type: expression, expr: "1"}\nrobots: {count: 4, initial: {type: positions, positions: ${JSON.stringify(listed)}}}\n`);
  const actions = runLaunch('gz_swarm.launch.py', 'robot_count:=4', 'prefix:=tb3_', `scenario:=${scenario}`);
  assert.deepEqual(actions.map((a) => `${a.type}:${a.kwargs.executable ?? ''}`), [
    'IncludeLaunchDescription:', 'Node:parameter_bridge', 'Node:create', 'Node:create', 'Node:create', 'Node:create', 'ExecuteProcess:',
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
  assert.ok(existsSync(argAfter(cmd, '--params-file')));
  checkRosParams(cmd, CONTROLLER_SCHEMA);
  for (const p of ['robot_count:=4', 'robot_prefix:=tb3_', 'drive:=diff_drive', 'world_frame:=world', 'use_sim_time:=true']) assert.ok(cmd.includes(p), p);
  assert.ok(cmd.includes(`target_file:=${scenario}`));
  // The controller listens and speaks on the ROS topics the bridge carries.
  const d = defaults(CONTROLLER_SCHEMA);
  assert.deepEqual([d.pose_topic, d.cmd_topic, d.cmd_type, d.pose_type], ['odom', 'cmd_vel', 'twist', 'odometry']);
});

test('gz_swarm.launch.py: gazebo:=false starts the controller alone, controller:=false as well leaves nothing', () => {
  const alone = runLaunch('gz_swarm.launch.py', 'gazebo:=false');
  assert.deepEqual(alone.map((a) => a.type), ['ExecuteProcess']);
  assert.match(cmdOf(alone[0])[1], /blob-coverage-controller\.js$/);
  assert.deepEqual(runLaunch('gz_swarm.launch.py', 'gazebo:=false', 'controller:=false'), []);
});

test('swarm.launch.py and blob_coverage.launch.xml start both nodes with parameters their schemas accept', () => {
  const actions = runLaunch('swarm.launch.py', 'robot_count:=4', 'prefix:=tb3_', 'cmd_type:=twist_stamped');
  const [simulator, controller] = actions;
  assert.match(cmdOf(simulator)[1], /blob-coverage-simulator\.js$/);
  assert.match(cmdOf(controller)[1], /blob-coverage-controller\.js$/);
  checkRosParams(cmdOf(simulator), SIMULATOR_SCHEMA);
  assert.ok(checkRosParams(cmdOf(controller), CONTROLLER_SCHEMA).includes('robot_names'));
  assert.ok(cmdOf(controller).includes('robot_names:=[tb3_0,tb3_1,tb3_2,tb3_3]'));
  const xmlCmds = python('import json, sys, xml.dom.minidom as m\nprint(json.dumps([e.getAttribute("cmd") for e in m.parse(sys.argv[1]).getElementsByTagName("executable")]))', join(root, 'launch', 'blob_coverage.launch.xml')) as string[];
  assert.equal(xmlCmds.length, 2);
  checkRosParams(words(xmlCmds[0]), SIMULATOR_SCHEMA);
  checkRosParams(words(xmlCmds[1]), CONTROLLER_SCHEMA);
});
