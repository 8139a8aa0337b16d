import { CoverageControllerNode } from '../control/controller-node.js';
import type { TickResult } from '../control/controller.js';
import { VirtualClock } from '../node/clock.js';
import { InProcessBus } from '../node/inprocess.js';
import type { Logger, NodeHandle } from '../node/interface.js';
import type { ParamValues } from '../params/schema.js';
import type { Scenario } from '../scenario/scenario.js';
import { initialPositions, scenarioRobots, scenarioTarget } from '../scenario/setup.js';
import { scenarioControllerParameters } from '../scenario/controller-params.js';
import { SwarmSimulatorNode } from '../sim/simulator-node.js';
import type { Target } from '../engine/target.js';
import { SwarmMeter } from './meter.js';

/** A standalone run: the simulator and the controller in one process, on a virtual clock, no ROS. */
export interface StandaloneOptions {
  /** Path of the scenario file (the controller reads its target from it, as `target_file`). */
  readonly scenarioPath: string;
  readonly scenario: Scenario;
  /** Simulated seconds. Default: the scenario's sim.duration. */
  readonly duration?: number;
  readonly drive: 'holonomic' | 'diff_drive';
  /** Extra controller / simulator parameters (as -p would set them). */
  readonly controller?: ParamValues;
  readonly simulator?: ParamValues;
  readonly logger: (name: string) => Logger;
  /** Keep every sample's positions (for reports). */
  readonly recordPositions?: boolean;
  /** Called about 100 times over the run. */
  readonly onProgress?: (t: number, duration: number, sample: StandaloneSample) => void;
}

/** One sample of a standalone run (about every simulated second). */
export interface StandaloneSample {
  readonly t: number;
  readonly mmd2: number;
  /** E_eps of the swarm at the fixed flow's auto eps (a yardstick independent of the law's schedule). */
  readonly energy: number;
  readonly nnMin: number;
  readonly live: number;
  readonly saturated: number;
  readonly maxCommand: number;
  /** Mean commanded linear speed over all robots at the last tick, m/s. */
  readonly meanCommand: number;
  /** Every robot's true position (only with `recordPositions`). */
  readonly positions?: Float64Array;
}

/** The result of a standalone run. */
export interface StandaloneResult {
  readonly target: Target;
  readonly initial: Float64Array;
  readonly final: Float64Array;
  readonly history: StandaloneSample[];
  readonly ticks: number;
  /** Largest linear command sent, m/s. */
  readonly maxCommand: number;
  /** The controller's robot_radius at the end, m. */
  readonly robotRadius: number;
  /** The separation its safety layer keeps at the end (2 robot_radius + safety_clearance), m; undefined when safety is off. */
  readonly separationLimit: number | undefined;
}

/** The controller and the simulator wired on one in-process bus, ready to be advanced in simulated time. */
export interface StandaloneSession {
  readonly clock: VirtualClock;
  readonly bus: InProcessBus;
  readonly sim: SwarmSimulatorNode;
  readonly controller: CoverageControllerNode;
  /** The controller's node handle (parameters can be set through it, as `ros2 param set` would). */
  readonly controllerNode: NodeHandle;
  readonly target: Target;
  readonly initial: Float64Array;
  readonly scenario: Scenario;
  /** A new session from the same start (robots at their initial positions, time 0), with `controller` parameters laid over this one's. */
  readonly fresh: (controller?: ParamValues) => StandaloneSession;
}

/** Builds a standalone session from a scenario (nothing runs until the clock is advanced). */
export function createStandalone(o: Pick<StandaloneOptions, 'scenario' | 'scenarioPath' | 'drive' | 'controller' | 'simulator' | 'logger'> & { readonly initialYaw?: Float64Array }): StandaloneSession {
  const robots = scenarioRobots(o.scenario);
  const target = scenarioTarget(o.scenario);
  const initial = initialPositions(o.scenario, target);
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const common = { robot_count: robots.count, robot_prefix: 'robot_' };
  const simNode = bus.createNode('swarm_simulator', { logger: o.logger('swarm_simulator'), parameters: { ...common, drive: o.drive, rate: 50, publish_tf: false, ...o.simulator } });
  const sim = new SwarmSimulatorNode(simNode, { initial, initialYaw: o.initialYaw, domain: o.scenario.domain });
  const controllerNode = bus.createNode('blob_coverage_controller', {
    logger: o.logger('blob_coverage_controller'),
    parameters: {
      ...common,
      drive: o.drive,
      target_file: o.scenarioPath,
      ...scenarioControllerParameters(o.scenario),
      ...o.controller,
    },
  });
  const controller = new CoverageControllerNode(controllerNode, o.scenarioPath);
  const fresh = (more: ParamValues = {}): StandaloneSession => createStandalone({ ...o, controller: { ...o.controller, ...more } });
  return { clock, bus, sim, controller, controllerNode, target, initial, scenario: o.scenario, fresh };
}

/** Runs the controller against the simulator on one in-process bus for the scenario's duration. */
export function runStandalone(o: StandaloneOptions): StandaloneResult {
  const robots = scenarioRobots(o.scenario);
  const { clock, bus, sim, controller, target, initial } = createStandalone(o);
  const meter = new SwarmMeter(target, robots.count, o.scenario.metrics.mmdBandwidth);
  const duration = o.duration ?? o.scenario.sim.duration;
  const history: StandaloneSample[] = [];
  let maxCommand = 0;
  let ticks = 0;
  let last: TickResult | undefined;
  controller.onTick = (r) => {
    ticks++;
    last = r;
    for (const c of r.commands) maxCommand = Math.max(maxCommand, Math.hypot(c.vx, c.vy));
  };
  const sample = (t: number): StandaloneSample => {
    const p = sim.positions();
    let maxNow = 0;
    let sum = 0;
    for (const c of last?.commands ?? []) {
      const v = Math.hypot(c.vx, c.vy);
      maxNow = Math.max(maxNow, v);
      sum += v;
    }
    const s = { t, ...meter.read(p), live: last?.live ?? 0, saturated: last?.saturated ?? 0, maxCommand: maxNow, meanCommand: last ? sum / last.commands.length : 0, ...(o.recordPositions ? { positions: Float64Array.from(p) } : {}) };
    history.push(s);
    return s;
  };
  sample(0);
  const step = duration / 100;
  for (let k = 1; k <= 100; k++) {
    clock.advanceTo(k * step);
    const s = sample(clock.now());
    o.onProgress?.(clock.now(), duration, s);
  }
  controller.stop();
  bus.flush();
  sim.destroy();
  const v = controller.parameters;
  const robotRadius = v.robot_radius as number;
  return { target, initial, final: sim.positions(), history, ticks, maxCommand, robotRadius, separationLimit: separationLimit(v) };
}

/** The separation the controller's safety layer keeps with parameters `v` (2 robot_radius + safety_clearance), m; undefined when safety is off. */
export function separationLimit(v: ParamValues): number | undefined {
  return v.safety ? 2 * (v.robot_radius as number) + (v.safety_clearance as number) : undefined;
}
