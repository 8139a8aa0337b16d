/** `blob-coverage velocity` and `blob-coverage run`: the blob flow offline, on a scenario file. */
import { BlobField } from '../../engine/field/field.js';
import { loadPositions } from '../../io/positions.js';
import { quote } from '../../io/quote.js';
import { loadScenario } from '../../scenario/load.js';
import { FLOW_METHODS, SCENARIO_BOUNDS } from '../../scenario/scenario.js';
import type { FlowMethod } from '../../scenario/scenario.js';
import { scenarioEpsilon, scenarioTarget } from '../../scenario/setup.js';
import { swarmSvg } from '../../report/svg.js';
import { samplesReport } from '../../report/html.js';
import { executeRun, lawLabel, prepareRun, resultDocument, summaryLine } from './coverage.js';
import { RunProgress } from '../output/run-progress.js';
import { fileLink, metricNotes } from '../output/explain.js';
import { UsageError, inFile } from '../errors.js';
import { algorithmFlag, outputFlags } from '../flags.js';
import { parseCommand } from '../args.js';
import { RUN, VELOCITY } from '../command-table.js';
import { checkOutputs, writeFileAtomic } from '../output/output.js';

/** `velocity SCENARIO --positions FILE`: the blob velocities and energy of the robots in FILE, on stdout. */
export function velocityCommand(args: string[]): number {
  const { values, positionals } = parseCommand(VELOCITY, args);
  if (!values.positions) throw new UsageError('velocity needs --positions FILE (a JSON array of [x, y] pairs)');
  const scenario = loadScenario(positionals[0]);
  const positions = loadPositions(values.positions, SCENARIO_BOUNDS.maxRobots);
  const target = inFile(positionals[0], () => scenarioTarget(scenario));
  const n = positions.length / 2;
  const field = inFile(positionals[0], () => new BlobField(target, { epsilon: scenarioEpsilon(scenario, n, 'fixed'), diffusivity: scenario.blob.diffusivity }));
  const v = new Float64Array(positions.length);
  const energy = field.evaluate(positions, v);
  const velocities: [number, number][] = [];
  for (let i = 0; i < n; i++) velocities.push([v[2 * i], v[2 * i + 1]]);
  process.stdout.write(JSON.stringify({ velocities, energy }) + '\n');
  return 0;
}

/** `run SCENARIO --out RESULT.json [...]`: integrates the scenario's law for sim.duration and writes the result. */
export function runCommand(args: string[]): number {
  const { values, positionals } = parseCommand(RUN, args);
  if (!values.out) throw new UsageError('run needs --out RESULT.json');
  const method = values.method;
  if (method !== undefined && !(FLOW_METHODS as readonly string[]).includes(method)) {
    throw new UsageError(`--method must be one of ${FLOW_METHODS.join(', ')}, got ${quote(method)}`);
  }
  const law = algorithmFlag(values.algorithm);
  const path = positionals[0];
  const outputs = outputFlags(values, ['out', 'svg', 'report']);
  // The outputs are checked before any work, and again against every file the scenario reads.
  checkOutputs(outputs, [path]);
  const inputs: string[] = [];
  const scenario = loadScenario(path, inputs);
  checkOutputs(outputs, inputs);
  const quiet = values.quiet ?? false;
  // On a terminal only: elsewhere stderr carries the one-line result or error.
  if (!quiet && process.stderr.isTTY) process.stderr.write(`setting up ${scenario.robots?.count ?? 0} robots (target, fields, metrics)...\n`);
  const run = inFile(path, () => prepareRun(scenario, method as FlowMethod | undefined, law));
  const progress = new RunProgress(process.stderr, scenario.name ?? 'run', run.initial.length / 2, run.maxStep ?? 0, run.stagesAt);
  const started = performance.now();
  const result = executeRun(run, quiet ? undefined : (t, duration, s, step) => progress.update(t, duration, s, step), values.report !== undefined);
  if (!quiet) progress.done();
  const seconds = (performance.now() - started) / 1000;
  writeFileAtomic(values.out, JSON.stringify(resultDocument(run, result)) + '\n');
  if (values.report) {
    const head = {
      title: `${scenario.name ?? 'run'}: ${run.initial.length / 2} robots, ${lawLabel(run)}`,
      subtitle: `eps ${run.epsilon.toFixed(4)} m, D ${scenario.blob.diffusivity} m^2/s, ${result.steps} steps over ${result.simulatedTime.toFixed(1)} s (samples geometric in time)`,
      target: run.target,
      robotRadius: scenario.robots?.radius,
      // What the controller's safety layer would keep (the offline flow itself has no safety layer).
      separationLimit: scenario.robots?.radius !== undefined ? 2 * scenario.robots.radius + (scenario.robots.clearance ?? 0) : undefined,
    };
    writeFileAtomic(values.report, samplesReport(head, result.history, { name: 'mean speed', values: result.history.map((x) => x.meanSpeed), log: true }));
  }
  if (values.svg) {
    const title = `${scenario.name ?? 'run'}: ${run.initial.length / 2} robots, ${lawLabel(run)}, t = ${result.simulatedTime.toFixed(1)} s (grey: start)`;
    writeFileAtomic(values.svg, swarmSvg(run.target, result.finalPositions, { title, initial: run.initial, robotRadius: scenario.robots?.radius }));
  }
  if (result.truncated) {
    process.stderr.write(`blob-coverage: warning: the run stopped at its budget of ${result.steps} steps, at t = ${result.simulatedTime.toPrecision(4)} of ${scenario.sim.duration} s (the result says truncated)\n`);
  }
  if (!quiet) {
    const tty = Boolean(process.stderr.isTTY);
    process.stderr.write(summaryLine(run, result, seconds, values.out) + '\n');
    // On a terminal, what each number means; a pipe keeps the one summary line.
    if (tty) process.stderr.write(metricNotes({ bandwidth: run.mmd.bandwidth, robots: run.initial.length / 2, offline: true }).join('\n') + '\n');
    if (values.report) process.stderr.write(`report: ${fileLink(values.report, tty)}\n`);
  }
  return 0;
}
