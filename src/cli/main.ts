import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BlobField } from '../engine/field.js';
import { toPositions } from '../engine/geometry.js';
import { loadScenario } from '../scenario/load.js';
import { scenarioEpsilon, scenarioTarget } from '../scenario/setup.js';
import { ConfigError } from '../scenario/validate.js';
import { COVERAGE_ALGORITHMS, FLOW_METHODS } from '../scenario/scenario.js';
import type { CoverageAlgorithm, FlowMethod } from '../scenario/scenario.js';
import { MapFileError } from '../io/map.js';
import { gzBridgeCommand } from './gz-bridge.js';
import { spawnPosesCommand } from './spawn-poses.js';
import { sampleCommand } from './sample.js';
import { executeRun, lawLabel, prepareRun, resultDocument, summaryLine } from './coverage.js';
import { RunProgress } from './run-progress.js';
import { UsageError } from './errors.js';
import { ProgressBar, writeFileAtomic } from './output.js';
import { terminalPlot } from './terminal-plot.js';
import { swarmSvg } from '../report/svg.js';
import { samplesReport } from '../report/html.js';
import { CONTROLLER_SCHEMA } from '../params/controller.js';
import { SIMULATOR_SCHEMA } from '../sim/params.js';
import { checkParam, parseParamText, specOf } from '../params/schema.js';
import type { ParamSchema, ParamValue, ParamValues } from '../params/schema.js';
import { createStandalone, runStandalone } from '../standalone/run.js';
import { startLiveView } from '../report/live.js';
import type { Preset } from '../report/live.js';
import type { StandaloneResult } from '../standalone/run.js';
import { createLogger } from '../node/log.js';
import { fromPositions } from '../engine/geometry.js';

const USAGE = `usage: blob-coverage <command> [options]

commands:
  velocity SCENARIO --positions FILE   print {"velocities": [[vx, vy], ...], "energy": E} for the robots in FILE
                                       (a JSON array of [x, y]), with the scenario's target, eps and diffusivity
  run SCENARIO --out RESULT.json       integrate the flow for sim.duration; write final positions, metrics, history
      [--algorithm blob|lloyd|langevin] [--method multiscale|fixed] [--svg FINAL.svg] [--report REPORT.html] [--quiet]
  standalone SCENARIO [--drive holonomic|diff_drive] [--duration S] [--out RESULT.json] [--svg FINAL.svg]
      [--report REPORT.html] [--algorithm blob|lloyd|langevin]
      [-p name:=value ...] [--sim-param name:=value ...]
                                       the controller node and the simulator node in one process (no ROS);
                                       -p sets a controller parameter, --sim-param a simulator parameter
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

/** The root of the installed package (holds scenarios/). */
function packageRoot(): string {
  // dist/cli/main.js or src/cli/main.ts: two levels up.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

function readPositions(path: string): Float64Array {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(`${path}: ${err.code === 'ENOENT' ? 'file not found' : `not valid JSON (${err.message})`}`);
  }
  if (!Array.isArray(doc)) throw new UsageError(`${path}: must be a JSON array of [x, y] pairs`);
  doc.forEach((p, i) => {
    if (!Array.isArray(p) || p.length !== 2 || !p.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new UsageError(`${path}: entry ${i} must be a pair of finite numbers [x, y]`);
    }
  });
  if (doc.length === 0) throw new UsageError(`${path}: no positions`);
  return toPositions(doc as [number, number][]);
}

function velocityCommand(args: string[]): number {
  const { values, positionals } = parseArgs({ args, options: { positions: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('velocity takes exactly one SCENARIO file');
  if (!values.positions) throw new UsageError('velocity needs --positions FILE (a JSON array of [x, y] pairs)');
  const scenario = loadScenario(positionals[0]);
  const positions = readPositions(values.positions);
  const target = inFile(positionals[0], () => scenarioTarget(scenario));
  const n = positions.length / 2;
  const field = new BlobField(target, { epsilon: scenarioEpsilon(scenario, n, 'fixed'), diffusivity: scenario.blob.diffusivity });
  const v = new Float64Array(positions.length);
  const energy = field.evaluate(positions, v);
  const velocities: [number, number][] = [];
  for (let i = 0; i < n; i++) velocities.push([v[2 * i], v[2 * i + 1]]);
  process.stdout.write(JSON.stringify({ velocities, energy }) + '\n');
  return 0;
}

/** The value of `--algorithm`, checked (undefined when the flag is absent). */
function algorithmFlag(value: string | undefined): CoverageAlgorithm | undefined {
  if (value !== undefined && !(COVERAGE_ALGORITHMS as readonly string[]).includes(value)) {
    throw new UsageError(`--algorithm must be one of ${COVERAGE_ALGORITHMS.join(', ')}, got '${value}'`);
  }
  return value as CoverageAlgorithm | undefined;
}

function runScenario(path: string, out: string | undefined, quiet: boolean, method: string | undefined, algorithm: string | undefined, svg?: string, report?: string): number {
  if (method !== undefined && !(FLOW_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`--method must be one of ${FLOW_METHODS.join(', ')}, got '${method}'`);
  }
  const law = algorithmFlag(algorithm);
  const scenario = loadScenario(path);
  // On a terminal only: elsewhere stderr carries the one-line result or error.
  if (!quiet && process.stderr.isTTY) process.stderr.write(`setting up ${scenario.robots?.count ?? 0} robots (target, fields, metrics)...\n`);
  const run = inFile(path, () => prepareRun(scenario, method as FlowMethod | undefined, law));
  const progress = new RunProgress(process.stderr, scenario.name ?? 'run', run.initial.length / 2, run.maxStep ?? 0, run.stagesAt);
  const started = performance.now();
  const result = executeRun(run, quiet ? undefined : (t, duration, s, step) => progress.update(t, duration, s, step), report !== undefined);
  if (!quiet) progress.done();
  const seconds = (performance.now() - started) / 1000;
  if (out) writeFileAtomic(out, JSON.stringify(resultDocument(run, result)) + '\n');
  if (report) {
    const head = {
      title: `${scenario.name ?? 'run'}: ${run.initial.length / 2} robots, ${lawLabel(run)}`,
      subtitle: `eps ${run.epsilon.toFixed(4)} m, D ${scenario.blob.diffusivity} m^2/s, ${result.steps} steps over ${result.simulatedTime.toFixed(1)} s (samples geometric in time)`,
      target: run.target,
    };
    writeFileAtomic(report, samplesReport(head, result.history, { name: 'mean speed', values: result.history.map((x) => x.meanSpeed), log: true }));
  }
  if (svg) {
    const title = `${scenario.name ?? 'run'}: ${run.initial.length / 2} robots, ${lawLabel(run)}, t = ${result.simulatedTime.toFixed(1)} s (grey: start)`;
    writeFileAtomic(svg, swarmSvg(run.target, result.finalPositions, { title, initial: run.initial }));
  }
  if (!quiet) process.stderr.write(summaryLine(run, result, seconds, out) + '\n');
  return 0;
}

function runCommand(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string' }, svg: { type: 'string' }, report: { type: 'string' }, quiet: { type: 'boolean', default: false }, method: { type: 'string' }, algorithm: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('run takes exactly one SCENARIO file');
  if (!values.out) throw new UsageError('run needs --out RESULT.json');
  return runScenario(positionals[0], values.out, values.quiet ?? false, values.method, values.algorithm, values.svg, values.report);
}

function standaloneScenario(
  path: string,
  values: { out?: string; svg?: string; report?: string; drive?: string; duration?: string; algorithm?: string; param?: string[]; 'sim-param'?: string[] },
  draw: boolean,
): number {
  const controller = controllerFlags(values);
  const simulator = paramFlags(values['sim-param'], SIMULATOR_SCHEMA, 'simulator');
  const drive = values.drive ?? 'holonomic';
  if (drive !== 'holonomic' && drive !== 'diff_drive') throw new UsageError(`--drive must be holonomic or diff_drive, got '${drive}'`);
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0 && Number.isFinite(duration))) throw new UsageError(`--duration must be a positive number of seconds, got '${values.duration}'`);
  const scenario = loadScenario(path);
  const algorithm = String(controller.algorithm ?? scenario.law.algorithm);
  const bar = new ProgressBar(process.stderr, scenario.name ?? 'standalone');
  const started = performance.now();
  const result = inFile(path, () =>
    runStandalone({
      scenarioPath: path,
      scenario,
      drive,
      duration,
      controller,
      simulator,
      recordPositions: values.report !== undefined,
      logger: (name) => createLogger(name, 'warn'),
      onProgress: (t, d, s) => bar.update(t / d, `t=${t.toFixed(1)}/${d} s MMD^2=${s.mmd2.toExponential(2)} live=${s.live}`),
    }),
  );
  bar.done();
  const seconds = (performance.now() - started) / 1000;
  if (values.out) writeFileAtomic(values.out, JSON.stringify(standaloneDocument(result, drive)) + '\n');
  if (values.report) {
    const head = {
      title: `${scenario.name ?? 'standalone'}: ${result.final.length / 2} ${drive} robots, controller (${algorithm} law) + simulator`,
      subtitle: `standalone mode, ${result.ticks} control ticks; commands limited to ${result.maxCommand.toFixed(2)} m/s at most`,
      target: result.target,
    };
    writeFileAtomic(values.report, samplesReport(head, result.history, { name: 'mean commanded speed', values: result.history.map((x) => x.meanCommand) }));
  }
  if (values.svg) {
    const title = `${scenario.name ?? 'standalone'}: ${result.final.length / 2} ${drive} robots after ${result.history[result.history.length - 1].t.toFixed(0)} s (grey: start)`;
    writeFileAtomic(values.svg, swarmSvg(result.target, result.final, { title, initial: result.initial, robotRadius: scenario.robots?.radius }));
  }
  if (draw) process.stdout.write(terminalPlot(result.target, result.final) + '\n');
  const first = result.history[0];
  const last = result.history[result.history.length - 1];
  process.stderr.write(
    `standalone (${drive}, ${algorithm} law): ${result.final.length / 2} robots, ${last.t.toFixed(1)} s simulated in ${seconds.toFixed(2)} s, ${result.ticks} control ticks: ` +
      `MMD^2 ${first.mmd2.toExponential(3)} -> ${last.mmd2.toExponential(3)}, nearest neighbour ${last.nnMin.toFixed(3)} m, ` +
      `fastest command ${result.maxCommand.toFixed(3)} m/s${values.out ? `; wrote ${values.out}` : ''}${values.report ? `; report: ${values.report}` : ''}\n`,
  );
  return 0;
}

const STANDALONE_OPTIONS = {
  out: { type: 'string' },
  drive: { type: 'string' },
  duration: { type: 'string' },
  algorithm: { type: 'string' },
  svg: { type: 'string' },
  report: { type: 'string' },
  view: { type: 'boolean', default: false },
  port: { type: 'string' },
  param: { type: 'string', short: 'p', multiple: true },
  'sim-param': { type: 'string', multiple: true },
} as const;

/** The controller parameters of the flags: `-p name:=value`, and `--algorithm NAME` (which wins over -p algorithm). */
function controllerFlags(values: { algorithm?: string; param?: string[] }): ParamValues {
  const law = algorithmFlag(values.algorithm);
  return { ...paramFlags(values.param, CONTROLLER_SCHEMA, 'controller'), ...(law ? { algorithm: law } : {}) };
}

/** `-p name:=value` flags (as after --ros-args), typed and checked against a parameter schema. */
function paramFlags(flags: readonly string[] | undefined, schema: ParamSchema, what: string): ParamValues {
  const out: Record<string, ParamValue> = {};
  for (const flag of flags ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):=(.*)$/.exec(flag);
    if (!m) throw new UsageError(`${what} parameter '${flag}' must be written name:=value`);
    const spec = specOf(schema, m[1]);
    if (!spec) throw new UsageError(`unknown ${what} parameter '${m[1]}' (see the README's parameter table)`);
    let value: ParamValue;
    try {
      value = parseParamText(spec, m[2]);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const reason = checkParam(spec, value);
    if (reason) throw new UsageError(reason);
    out[m[1]] = value;
  }
  return out;
}

function standaloneCommand(args: string[]): Promise<number> | number {
  const { values, positionals } = parseArgs({ args, options: STANDALONE_OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('standalone takes exactly one SCENARIO file');
  if (values.view) return liveView(positionals[0], values);
  return standaloneScenario(positionals[0], values, false);
}

function demoCommand(args: string[]): Promise<number> | number {
  const { values } = parseArgs({ args, options: STANDALONE_OPTIONS, strict: true });
  const scenario = join(packageRoot(), 'scenarios', 'demo.yaml');
  if (values.view) return liveView(scenario, values);
  process.stderr.write(`blob-coverage demo: the controller and the simulator in one process on ${scenario}\n`);
  // The demo writes its report by default (`--report PATH` to put it elsewhere).
  return standaloneScenario(scenario, { ...values, report: values.report ?? 'demo.report.html' }, true);
}

/** The bundled scenarios as target presets of the live view (the given scenario first). */
function presets(first: string): Preset[] {
  const dir = join(packageRoot(), 'scenarios');
  const list = ['demo', 'ring', 'sparse', 'public-s1'].map((name) => ({ name, path: join(dir, `${name}.yaml`) }));
  const own = { name: basename(first).replace(/\.ya?ml$/, ''), path: resolve(first) };
  return [own, ...list.filter((p) => p.path !== own.path)];
}

/** Serves the live view until SIGINT/SIGTERM; then every robot gets zero and the server closes. */
async function liveView(path: string, values: { drive?: string; port?: string; algorithm?: string; param?: string[]; 'sim-param'?: string[] }): Promise<number> {
  const drive = values.drive ?? 'holonomic';
  if (drive !== 'holonomic' && drive !== 'diff_drive') throw new UsageError(`--drive must be holonomic or diff_drive, got '${drive}'`);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer in [0, 65535], got '${values.port}'`);
  const scenario = loadScenario(path);
  const session = inFile(path, () =>
    createStandalone({
      scenario,
      scenarioPath: resolve(path),
      drive,
      controller: controllerFlags(values),
      simulator: paramFlags(values['sim-param'], SIMULATOR_SCHEMA, 'simulator'),
      logger: (name) => createLogger(name, 'warn'),
    }),
  );
  const view = await startLiveView({ session, presets: presets(path), loadTarget: (p) => scenarioTarget(loadScenario(p)), port });
  process.stderr.write(`live view: ${view.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await view.close();
  process.stderr.write('live view stopped; every robot was sent zero\n');
  return 0;
}

/** Runs the command line; returns the exit status (0 ok, 1 internal error, 2 usage or invalid input). */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'velocity':
        return velocityCommand(rest);
      case 'run':
        return runCommand(rest);
      case 'demo':
        return await demoCommand(rest);
      case 'standalone':
        return await standaloneCommand(rest);
      case 'gz-bridge':
        return gzBridgeCommand(rest);
      case 'spawn-poses':
        return spawnPosesCommand(rest);
      case 'sample':
        return sampleCommand(rest);
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE + '\n');
        return 0;
      case undefined:
        throw new UsageError('missing command (velocity, run, standalone, demo or help)');
      default:
        throw new UsageError(`unknown command '${command}' (velocity, run, standalone, demo or help)`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError || e instanceof MapFileError || isArgError(e)) {
      process.stderr.write(`blob-coverage: ${(e as Error).message}\n`);
      return 2;
    }
    process.stderr.write(`blob-coverage: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

/** Runs `fn`, naming `file` in any ConfigError it throws. */
function inFile<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ConfigError && !e.file) throw new ConfigError(e.key, e.problem, file);
    throw e;
  }
}

function isArgError(e: unknown): boolean {
  const code = (e as { code?: string }).code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

/** The JSON document of a standalone run. */
function standaloneDocument(r: StandaloneResult, drive: string): Record<string, unknown> {
  return {
    mode: 'standalone',
    drive,
    robots: r.final.length / 2,
    control_ticks: r.ticks,
    max_command: r.maxCommand,
    initial_positions: fromPositions(r.initial),
    final_positions: fromPositions(r.final),
    history: r.history.map((h) => ({ t: h.t, mmd2: h.mmd2, energy: h.energy, nn_min: h.nnMin, live: h.live, saturated: h.saturated, max_command: h.maxCommand })),
  };
}
