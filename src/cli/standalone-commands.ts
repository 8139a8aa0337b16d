/** `blob-coverage standalone` and `blob-coverage demo`: the controller and simulator nodes in one process, no ROS. */
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { fromPositions } from '../engine/geometry.js';
import { quote } from '../io/quote.js';
import { createLogger } from '../node/log.js';
import { CONTROLLER_SCHEMA } from '../params/controller.js';
import { checkParam, parseParamText, specOf } from '../params/schema.js';
import type { ParamSchema, ParamValue, ParamValues } from '../params/schema.js';
import { startLiveView } from '../report/live.js';
import type { Preset } from '../report/live.js';
import { samplesReport } from '../report/html.js';
import { swarmSvg } from '../report/svg.js';
import { loadScenario } from '../scenario/load.js';
import { SCENARIO_BOUNDS } from '../scenario/scenario.js';
import { scenarioRobots, scenarioTarget } from '../scenario/setup.js';
import { SIMULATOR_SCHEMA } from '../sim/params.js';
import { createStandalone, runStandalone } from '../standalone/run.js';
import type { StandaloneResult } from '../standalone/run.js';
import { algorithmFlag, outputFlags } from './flags.js';
import { UsageError, inFile } from './errors.js';
import { ProgressBar, checkOutputs, writeFileAtomic } from './output.js';
import { terminalPlot } from './terminal-plot.js';

/** The root of the installed package (holds scenarios/). */
function packageRoot(): string {
  // dist/cli/*.js or src/cli/*.ts: two levels up.
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
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
  shards: { type: 'string' },
} as const;

type StandaloneValues = { out?: string; svg?: string; report?: string; drive?: string; duration?: string; algorithm?: string; param?: string[]; 'sim-param'?: string[]; shards?: string };

function driveFlag(drive: string | undefined): 'holonomic' | 'diff_drive' {
  const d = drive ?? 'holonomic';
  if (d !== 'holonomic' && d !== 'diff_drive') throw new UsageError(`--drive must be holonomic or diff_drive, got ${quote(d)}`);
  return d;
}

function standaloneScenario(path: string, values: StandaloneValues, draw: boolean): number {
  const controller = controllerFlags(values);
  const simulator = paramFlags(values['sim-param'], SIMULATOR_SCHEMA, 'simulator');
  const drive = driveFlag(values.drive);
  const duration = values.duration === undefined ? undefined : Number(values.duration);
  if (duration !== undefined && !(duration > 0 && duration <= SCENARIO_BOUNDS.maxDuration)) {
    throw new UsageError(`--duration must be a positive number of seconds, at most ${SCENARIO_BOUNDS.maxDuration}, got ${quote(values.duration)}`);
  }
  const shards = values.shards === undefined ? 1 : Number(values.shards);
  if (!(Number.isInteger(shards) && shards >= 1)) throw new UsageError(`--shards must be a whole number of controller instances, at least 1, got ${quote(values.shards)}`);
  const outputs = outputFlags(values, ['out', 'svg', 'report']);
  const targetFile = typeof controller.target_file === 'string' && controller.target_file !== '' ? [controller.target_file] : [];
  checkOutputs(outputs, [path, ...targetFile]);
  const inputs: string[] = [...targetFile];
  const scenario = loadScenario(path, inputs);
  checkOutputs(outputs, inputs);
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

/** The controller parameters of the flags: `-p name:=value`, and `--algorithm NAME` (which wins over -p algorithm). */
function controllerFlags(values: { algorithm?: string; param?: string[] }): ParamValues {
  const law = algorithmFlag(values.algorithm);
  return { ...paramFlags(values.param, CONTROLLER_SCHEMA, 'controller'), ...(law ? { algorithm: law } : {}) };
}

/** `-p name:=value` flags (as after --ros-args), typed and checked against a parameter schema. */
function paramFlags(flags: readonly string[] | undefined, schema: ParamSchema, what: string): ParamValues {
  const out: Record<string, ParamValue> = {};
  for (const flag of flags ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*):=(.*)$/s.exec(flag);
    if (!m) throw new UsageError(`${what} parameter ${quote(flag)} must be written name:=value`);
    const spec = specOf(schema, m[1]);
    if (!spec) throw new UsageError(`unknown ${what} parameter ${quote(m[1])} (see the README's parameter table)`);
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
  const { values, positionals } = parseArgs({ args, options: STANDALONE_OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('standalone takes exactly one SCENARIO file');
  if (values.view) return liveView(positionals[0], values);
  return standaloneScenario(positionals[0], values, false);
}

/** `demo [...]`: the standalone mode on the bundled demo scenario, drawn in the terminal (or `--view`: live). */
export function demoCommand(args: string[]): Promise<number> | number {
  const { values } = parseArgs({ args, options: STANDALONE_OPTIONS, strict: true });
  const scenario = join(packageRoot(), 'scenarios', 'demo.yaml');
  if (values.view) return liveView(scenario, values);
  // The demo writes its report by default (`--report PATH` to put it elsewhere): checked before the banner.
  const withReport = { ...values, report: values.report ?? 'demo.report.html' };
  checkOutputs(outputFlags(withReport, ['out', 'svg', 'report']), [scenario]);
  process.stderr.write(`blob-coverage demo: the controller and the simulator in one process on ${scenario}\n`);
  return standaloneScenario(scenario, withReport, true);
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
  const controller = controllerFlags(values);
  const simulator = paramFlags(values['sim-param'], SIMULATOR_SCHEMA, 'simulator');
  const scenario = loadScenario(path);
  const session = inFile(path, () =>
    createStandalone({ scenario, scenarioPath: resolve(path), drive, controller, simulator, logger: (name) => createLogger(name, 'warn') }),
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
