/** `blob-coverage standalone` and `blob-coverage demo`: the controller and simulator nodes in one process, no ROS. */
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromPositions } from '../../engine/target/geometry.js';
import { quote } from '../../io/quote.js';
import { createLogger } from '../../node/log.js';
import { CONTROLLER_SCHEMA } from '../../params/controller.js';
import { checkParam, parseParamText, specOf } from '../../params/schema.js';
import type { ParamSchema, ParamValue, ParamValues } from '../../params/schema.js';
import { startLiveView } from '../../report/live.js';
import type { Preset } from '../../report/live.js';
import { samplesReport } from '../../report/html.js';
import { swarmSvg } from '../../report/svg.js';
import { loadScenario } from '../../scenario/load.js';
import { SCENARIO_BOUNDS } from '../../scenario/scenario.js';
import type { Scenario } from '../../scenario/scenario.js';
import { scenarioRobots, scenarioTarget } from '../../scenario/setup.js';
import { SIMULATOR_SCHEMA } from '../../sim/params.js';
import { createStandalone, runStandalone } from '../../standalone/run.js';
import type { StandaloneResult } from '../../standalone/run.js';
import { disablePretenuring } from '../../standalone/v8-tuning.js';
import { algorithmFlag, outputFlags } from '../flags.js';
import { didYouMean, parseCommand } from '../args.js';
import { DEMO, STANDALONE } from '../command-table.js';
import { UsageError, inFile } from '../errors.js';
import { ProgressBar, checkOutputs, writeFileAtomic } from '../output/output.js';
import { terminalPlot } from '../output/terminal-plot.js';
import { fileLink, metricNotes } from '../output/explain.js';
import { iidMedianMmd2 } from './coverage.js';
import { MmdMetric } from '../../engine/metrics/metrics.js';

/** The root of the installed package (holds scenarios/). */
function packageRoot(): string {
  // dist/cli/commands/*.js or src/cli/commands/*.ts: three levels up.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
}

type StandaloneValues = { out?: string; svg?: string; report?: string; drive?: string; duration?: string; algorithm?: string; param?: string[]; 'sim-param'?: string[]; shards?: string };

function driveFlag(drive: string | undefined): 'holonomic' | 'diff_drive' {
  const d = drive ?? 'holonomic';
  if (d !== 'holonomic' && d !== 'diff_drive') throw new UsageError(`--drive must be holonomic or diff_drive, got ${quote(d)}`);
  return d;
}

function standaloneScenario(path: string, values: StandaloneValues, draw: boolean): number {
  const controllerFlagValues = controllerFlags(values);
  const simulatorFlags = paramFlags(values['sim-param'], SIMULATOR_SCHEMA, 'simulator');
  const drive = driveFlag(values.drive);
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0 && duration <= SCENARIO_BOUNDS.maxDuration)) {
    throw new UsageError(`--duration must be a positive number of seconds, at most ${SCENARIO_BOUNDS.maxDuration}, got ${quote(values.duration)}`);
  }
  const shards = values.shards === undefined ? 1 : Number(values.shards);
  if (!(Number.isInteger(shards) && shards >= 1)) throw new UsageError(`--shards must be a whole number of controller instances, at least 1, got ${quote(values.shards)}`);
  const outputs = outputFlags(values, ['out', 'svg', 'report']);
  const targetFile = typeof controllerFlagValues.target_file === 'string' && controllerFlagValues.target_file !== '' ? [controllerFlagValues.target_file] : [];
  checkOutputs(outputs, [path, ...targetFile]);
  const inputs: string[] = [...targetFile];
  const scenario = loadScenario(path, inputs);
  checkOutputs(outputs, inputs);
  const shared = sharedRobotNames(controllerFlagValues, simulatorFlags, scenario);
  const controller = { ...controllerFlagValues, ...shared };
  const simulator = { ...simulatorFlags, ...shared };
  const count = scenarioRobots(scenario).count;
  if (shards > count) throw new UsageError(`--shards must be at most the number of robots (${count}), got ${shards}`);
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
      shards,
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
      robotRadius: result.robotRadius,
      separationLimit: result.separationLimit,
    };
    writeFileAtomic(values.report, samplesReport(head, result.history, { name: 'mean commanded speed', values: result.history.map((x) => x.meanCommand) }));
  }
  if (values.svg) {
    const title = `${scenario.name ?? 'standalone'}: ${result.final.length / 2} ${drive} robots after ${result.history[result.history.length - 1].t.toFixed(0)} s (grey: start)`;
    writeFileAtomic(values.svg, swarmSvg(result.target, result.final, { title, initial: result.initial, robotRadius: result.robotRadius }));
  }
  if (draw) process.stdout.write(terminalPlot(result.target, result.final) + '\n');
  const first = result.history[0];
  const last = result.history[result.history.length - 1];
  const n = result.final.length / 2;
  const mmd = new MmdMetric(result.target, scenario.metrics.mmdBandwidth);
  const iid = iidMedianMmd2({ target: result.target, mmd }, n);
  const tty = Boolean(process.stderr.isTTY);
  process.stderr.write(
    `standalone (${drive}, ${algorithm} law): ${n} robots, ${last.t.toFixed(1)} s simulated in ${seconds.toFixed(2)} s, ${result.ticks} control ticks: ` +
      `MMD^2 ${first.mmd2.toExponential(3)} -> ${last.mmd2.toExponential(3)} (${(last.mmd2 / iid).toPrecision(2)} x i.i.d.), nearest neighbour ${last.nnMin.toFixed(3)} m, ` +
      `fastest command ${result.maxCommand.toFixed(3)} m/s${values.out ? `; wrote ${fileLink(values.out, false)}` : ''}\n`,
  );
  // People get what each number means; a pipe keeps the one summary line.
  if (tty || draw) process.stderr.write(metricNotes({ bandwidth: mmd.bandwidth, robots: n, separation: separationOf(controller, scenario) }).join('\n') + '\n');
  if (values.report) process.stderr.write(`report: ${fileLink(values.report, tty)}${tty ? ' (open it in a browser)' : ''}\n`);
  return 0;
}

/** The minimum separation the safety layer keeps, m: 2 robot_radius + safety_clearance (flags, else the scenario, else the defaults). */
function separationOf(controller: ParamValues, scenario: Scenario): number {
  const radius = Number(controller.robot_radius ?? scenario.robots?.radius ?? specOf(CONTROLLER_SCHEMA, 'robot_radius')?.default);
  const clearance = Number(controller.safety_clearance ?? scenario.robots?.clearance ?? specOf(CONTROLLER_SCHEMA, 'safety_clearance')?.default);
  return 2 * radius + clearance;
}

/** The controller parameters of the flags: `-p name:=value`, and `--algorithm NAME` (which wins over -p algorithm). */
function controllerFlags(values: { algorithm?: string; param?: string[] }): ParamValues {
  const law = algorithmFlag(values.algorithm);
  return { ...paramFlags(values.param, CONTROLLER_SCHEMA, 'controller'), ...(law ? { algorithm: law } : {}) };
}

const NAMING = ['robot_names', 'robot_prefix', 'robot_count'] as const;

/**
 * In one process both nodes must name the same robots, as many as the scenario places: the robot naming parameters
 * given to either node go to both (returned, for both), and a count that differs from the scenario's is
 * refused.
 */
function sharedRobotNames(controller: ParamValues, simulator: ParamValues, scenario: Scenario): ParamValues {
  const given: Record<string, ParamValue> = {};
  for (const name of NAMING) {
    const a = controller[name];
    const b = simulator[name];
    if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b)) throw new UsageError(`-p ${name} and --sim-param ${name} differ: in standalone mode both nodes drive the same robots (give it once)`);
    if (a !== undefined || b !== undefined) given[name] = (a ?? b) as ParamValue;
  }
  const count = scenario.robots?.count ?? 0;
  const names = given.robot_names as string[] | undefined;
  const n = names && names.length > 0 ? names.length : (given.robot_count as number | undefined);
  if (n !== undefined && n !== count) throw new UsageError(`${names && names.length > 0 ? 'robot_names lists' : 'robot_count is'} ${n} robots, but the scenario places ${count} (robots.count): in standalone mode they must agree`);
  return given;
}

/** `-p name:=value` flags (as after --ros-args), read as ROS reads them and checked against a parameter schema. */
function paramFlags(flags: readonly string[] | undefined, schema: ParamSchema, what: 'controller' | 'simulator'): ParamValues {
  const out: Record<string, ParamValue> = {};
  const flag = what === 'controller' ? '-p' : '--sim-param';
  for (const text of flags ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):=(.*)$/s.exec(text);
    if (!m) throw new UsageError(`${flag} ${quote(text)}: write NAME:=VALUE, e.g. ${flag} ${schema[schema.length - 1].name}:=${String(schema[schema.length - 1].default)}`);
    const spec = specOf(schema, m[1]);
    if (!spec) {
      const other = what === 'controller' ? SIMULATOR_SCHEMA : CONTROLLER_SCHEMA;
      const hint = specOf(other, m[1]) ? ` (a ${what === 'controller' ? 'simulator' : 'controller'} parameter: ${what === 'controller' ? '--sim-param' : '-p'} ${m[1]}:=...)` : didYouMean(m[1], schema.map((p) => p.name));
      throw new UsageError(`unknown ${what} parameter ${quote(m[1])}${hint}; blob-coverage help params lists them`);
    }
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

/** `standalone SCENARIO [...]`, or with `--view` the live view of it. */
export function standaloneCommand(args: string[]): Promise<number> | number {
  const { values, positionals } = parseCommand(STANDALONE, args);
  disablePretenuring();
  if (values.view) return liveView(positionals[0], values);
  return standaloneScenario(positionals[0], values, false);
}

/** `demo [...]`: the standalone mode on the bundled demo scenario, drawn in the terminal (or `--view`: live). */
export function demoCommand(args: string[]): Promise<number> | number {
  const { values } = parseCommand(DEMO, args);
  disablePretenuring();
  const scenario = join(packageRoot(), 'scenarios', 'demo.yaml');
  if (values.view) return liveView(scenario, values);
  // The demo writes its report by default (`--report PATH` to put it elsewhere): checked before the banner.
  checkOutputs(outputFlags(values, ['out', 'svg', 'report']), [scenario]);
  process.stderr.write(`blob-coverage demo: the controller and the simulator in one process on ${scenario}\n`);
  return standaloneScenario(scenario, values, true);
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
  const drive = driveFlag(values.drive);
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer in [0, 65535], got ${quote(values.port)}`);
  const controllerFlagValues = controllerFlags(values);
  const simulatorFlags = paramFlags(values['sim-param'], SIMULATOR_SCHEMA, 'simulator');
  const scenario = loadScenario(path);
  const shared = sharedRobotNames(controllerFlagValues, simulatorFlags, scenario);
  const controller = { ...controllerFlagValues, ...shared };
  const simulator = { ...simulatorFlags, ...shared };
  const session = inFile(path, () =>
    createStandalone({ scenario, scenarioPath: resolve(path), drive, controller, simulator, logger: (name) => createLogger(name, 'warn') }),
  );
  const view = await startLiveView({ session, presets: presets(path), loadTarget: (p) => scenarioTarget(loadScenario(p)), port });
  process.stderr.write(`live view: ${view.url} (the run starts when you open it; Ctrl-C to stop)\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
  await view.close();
  process.stderr.write('live view stopped; every robot was sent zero\n');
  return 0;
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
