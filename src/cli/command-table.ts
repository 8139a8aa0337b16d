/**
 * Every command of `blob-coverage`: name, summary, options and details, declared once for the parser, the help and
 * the suggestions. Loads nothing else, so that `--help` stays fast.
 */
import type { CommandSpec } from './args.js';

const SCENARIO_NOTE = 'SCENARIO is a scenario YAML file (domain, target, robots, sim); bundled ones are in scenarios/.';
const ALGORITHM = { type: 'string', value: 'LAW', help: 'coverage law: blob, lloyd or langevin (default: the scenario\'s law.algorithm, else blob)' } as const;
const REPORT = { type: 'string', value: 'FILE.html', help: 'write a self-contained HTML report (target, robots, plots over time)' } as const;
const SVG = { type: 'string', value: 'FILE.svg', help: 'write the final state as an SVG picture (axes in metres)' } as const;

const STANDALONE_OPTIONS = {
  drive: { type: 'string', value: 'KIND', default: 'holonomic', help: 'robot kinematics: holonomic or diff_drive' },
  duration: { type: 'string', value: 'S', help: "simulated seconds (default: the scenario's sim.duration)" },
  algorithm: ALGORITHM,
  out: { type: 'string', value: 'FILE.json', help: 'write the final positions and the history (MMD^2, energy, live robots)' },
  svg: SVG,
  report: REPORT,
  param: { type: 'string', short: 'p', multiple: true, value: 'NAME:=VALUE', help: 'set a controller parameter, as after --ros-args (blob-coverage help params lists them)' },
  'sim-param': { type: 'string', multiple: true, value: 'NAME:=VALUE', help: 'set a simulator parameter (pose_noise, drop_probability, failure_rate, ...)' },
  view: { type: 'boolean', help: 'serve a live view in the browser instead (http://127.0.0.1:PORT; Ctrl-C stops)' },
  port: { type: 'string', value: 'N', help: 'port of the live view (default: a free one)' },
  shards: { type: 'string', value: 'K', help: 'K controller instances on the in-process bus, each commanding the robots of one region of the start (owned_robots)' },
} as const;

const PARAM_DETAILS = [
  'Parameter values are read as ROS 2 reads `-p name:=value`: numbers (10 or 10.0), true/false, lists in brackets',
  '([tb3_0, tb3_1], [0.0, 1.5, 0.0]), strings as they are (quotes optional); `epsilon:=auto` picks the width from the',
  'number of robots. A refused value names the parameter and the reason, as `ros2 param set` would.',
];

/** velocity */
export const VELOCITY = {
  name: 'velocity',
  summary: 'Print the raw blob velocities and energy of the robots in a positions file (JSON).',
  positional: 'SCENARIO',
  required: ['positions'],
  options: { positions: { type: 'string', value: 'FILE', help: 'a JSON array of [x, y] pairs, metres' } },
  details: [SCENARIO_NOTE, 'example: blob-coverage velocity scenarios/demo.yaml --positions robots.json'],
} as const satisfies CommandSpec;

/** run */
export const RUN = {
  name: 'run',
  summary: "Integrate the scenario's coverage law offline; write final positions, metrics, history.",
  positional: 'SCENARIO',
  required: ['out'],
  options: {
    out: { type: 'string', value: 'FILE.json', help: 'the result: final_positions, metrics, history (metrics over time)' },
    algorithm: ALGORITHM,
    method: { type: 'string', value: 'M', help: 'blob flow: multiscale (coarse scales that fade; reaches sparse regions) or fixed (one eps)' },
    svg: SVG,
    report: REPORT,
    quiet: { type: 'boolean', help: 'no progress and no summary on stderr' },
  },
  details: [
    SCENARIO_NOTE,
    'On a terminal stderr shows progress with rate and ETA; the summary compares the MMD^2 with that of i.i.d. samples.',
    'example: blob-coverage run scenarios/sparse.yaml --out sparse.json --svg sparse.svg',
  ],
} as const satisfies CommandSpec;

/** standalone */
export const STANDALONE = {
  name: 'standalone',
  summary: 'Run the controller node and the simulator node in one process (no ROS) on SCENARIO.',
  positional: 'SCENARIO',
  options: STANDALONE_OPTIONS,
  details: [SCENARIO_NOTE, ...PARAM_DETAILS, 'example: blob-coverage standalone scenarios/obstacles.yaml --drive diff_drive -p max_linear_speed:=0.15 --report obstacles.html'],
} as const satisfies CommandSpec;

/** demo */
export const DEMO = {
  name: 'demo',
  summary: 'The standalone mode on the bundled demo (100 robots, 20 s), drawn in the terminal (npm start).',
  options: { ...STANDALONE_OPTIONS, report: { ...REPORT, default: 'demo.report.html' } },
  details: [...PARAM_DETAILS, 'examples: npm start -- --view    npm start -- -p diffusivity:=0.05 --drive diff_drive'],
} as const satisfies CommandSpec;

/** gz-bridge */
export const GZ_BRIDGE = {
  name: 'gz-bridge',
  summary: "Print the ros_gz_bridge YAML of a Gazebo swarm (/clock, cmd_vel, odometry).",
  required: ['robots'],
  options: {
    robots: { type: 'string', value: 'N', help: 'number of robots' },
    prefix: { type: 'string', value: 'P', default: 'robot_', help: 'robot namespace prefix (robots P0 .. P{N-1})' },
    'cmd-topic': { type: 'string', value: 'T', default: 'cmd_vel', help: "command topic relative to each robot's namespace" },
    'pose-topic': { type: 'string', value: 'T', default: 'odom', help: "odometry topic relative to each robot's namespace" },
    out: { type: 'string', value: 'FILE', help: 'write the YAML here instead of stdout' },
  },
} as const satisfies CommandSpec;

/** spawn-poses */
export const SPAWN_POSES = {
  name: 'spawn-poses',
  summary: "Print JSON spawn poses from a scenario's initial layout, robots pushed apart.",
  required: ['scenario', 'robots'],
  options: {
    scenario: { type: 'string', value: 'FILE', help: 'scenario YAML whose robots.initial places the robots' },
    robots: { type: 'string', value: 'N', help: 'number of robots' },
    prefix: { type: 'string', value: 'P', default: 'robot_', help: 'robot namespace prefix' },
    'min-separation': { type: 'string', value: 'M', default: '0.2', help: 'least distance between spawn points, metres' },
    out: { type: 'string', value: 'FILE', help: 'write the JSON here instead of stdout' },
  },
} as const satisfies CommandSpec;

/** sample */
export const SAMPLE = {
  name: 'sample',
  summary: "N deterministic samples of the scenario's target by the blob method (JSON or CSV).",
  positional: 'SCENARIO',
  required: ['n', 'out'],
  options: {
    n: { type: 'string', value: 'N', help: 'number of points' },
    out: { type: 'string', value: 'FILE', help: 'POINTS.json ([[x, y], ...]) or POINTS.csv (x,y a line)' },
    seed: { type: 'string', value: 'S', default: '1', help: 'seed of the initial draws' },
    time: { type: 'string', value: 'T', default: '0.05', help: 'flow time in units of area / (1 m^2/s): 0.05 is 0.2 s on a 2 m x 2 m domain; 0 returns the i.i.d. draws' },
    quiet: { type: 'boolean', help: 'no progress and no summary on stderr' },
  },
  details: [SCENARIO_NOTE],
} as const satisfies CommandSpec;

/** Every command, in the order the help lists them. */
export const COMMAND_SPECS: readonly CommandSpec[] = [DEMO, STANDALONE, RUN, SAMPLE, VELOCITY, GZ_BRIDGE, SPAWN_POSES];

/** The command names, `help` included: what the unknown-command error lists and suggests from. */
export const COMMAND_NAMES: readonly string[] = [...COMMAND_SPECS.map((c) => c.name), 'help'];
