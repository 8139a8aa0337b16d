/**
 * The `blob-coverage` command line. Each command's module is imported when that command runs, so that `--help`
 * and the launch-time generators (`gz-bridge`, `spawn-poses`) do not load the engine.
 */
import { quote } from '../io/quote.js';
import { UsageError, isInputError } from './errors.js';

const USAGE = `usage: blob-coverage <command> [options]

commands:
  velocity SCENARIO --positions FILE   print {"velocities": [[vx, vy], ...], "energy": E} for the robots in FILE
                                       (a JSON array of [x, y]), with the scenario's target, eps and diffusivity
  run SCENARIO --out RESULT.json       integrate the flow for sim.duration; write final positions, metrics, history
      [--algorithm blob|lloyd|langevin] [--method multiscale|fixed] [--svg FINAL.svg] [--report REPORT.html] [--quiet]
  standalone SCENARIO [--drive holonomic|diff_drive] [--duration S] [--out RESULT.json] [--svg FINAL.svg]
      [--report REPORT.html] [--algorithm blob|lloyd|langevin]
      [-p name:=value ...] [--sim-param name:=value ...] [--shards K]
                                       the controller node and the simulator node in one process (no ROS);
                                       -p sets a controller parameter, --sim-param a simulator parameter;
                                       --shards K: K controller instances, each commanding a block of robots
  demo [--drive ...] [--out RESULT.json]
                                       standalone mode on the bundled demo scenario, drawn in the terminal
  demo --view [--port N]               the same, live in a browser at http://127.0.0.1:N (pause, switch targets)
  gz-bridge --robots N [--prefix robot_] [--cmd-topic cmd_vel] [--pose-topic odom] [--out FILE]
                                       the ros_gz_bridge YAML of a Gazebo swarm: /clock, each robot's cmd_vel and odometry
  spawn-poses --scenario FILE --robots N [--prefix robot_] [--min-separation 0.2] [--out FILE]
                                       JSON spawn poses: the scenario's initial layout, robots pushed apart to the separation
  sample SCENARIO --n N --out POINTS.json|POINTS.csv [--seed S] [--time T]
                                       N deterministic samples of the scenario's target by the blob method
  help                                 show this text`;

/** The commands, each loaded on first use: name -> the function that runs it. */
const COMMANDS: Readonly<Record<string, () => Promise<(args: string[]) => Promise<number> | number>>> = {
  velocity: async () => (await import('./coverage-commands.js')).velocityCommand,
  run: async () => (await import('./coverage-commands.js')).runCommand,
  standalone: async () => (await import('./standalone-commands.js')).standaloneCommand,
  demo: async () => (await import('./standalone-commands.js')).demoCommand,
  'gz-bridge': async () => (await import('./gz-bridge.js')).gzBridgeCommand,
  'spawn-poses': async () => (await import('./spawn-poses.js')).spawnPosesCommand,
  sample: async () => (await import('./sample.js')).sampleCommand,
};

/**
 * Runs the command line; returns the exit status: 0 ok, 2 usage or invalid input (one line on stderr), 1 an
 * internal error (a bug: one line too; BLOB_COVERAGE_DEBUG=1 adds the stack).
 */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'help' || command === '--help' || command === '-h') {
      process.stdout.write(USAGE + '\n');
      return 0;
    }
    if (command === undefined) throw new UsageError('missing command (velocity, run, standalone, demo or help)');
    const load = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (!load) throw new UsageError(`unknown command ${quote(command)} (velocity, run, standalone, demo or help)`);
    return await (await load())(rest);
  } catch (e) {
    if (isInputError(e)) {
      process.stderr.write(`blob-coverage: ${oneLine(e.message)}\n`);
      return 2;
    }
    const debug = process.env.BLOB_COVERAGE_DEBUG === '1';
    const text = e instanceof Error ? (debug ? (e.stack ?? e.message) : oneLine(e.message)) : oneLine(String(e));
    process.stderr.write(`blob-coverage: internal error: ${text}${debug ? '' : ' (BLOB_COVERAGE_DEBUG=1 shows where)'}\n`);
    return 1;
  }
}

/** A message on one line, at most a few hundred characters. */
function oneLine(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  return flat.length > 500 ? flat.slice(0, 500) + '...' : flat;
}
