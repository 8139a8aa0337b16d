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
import type { Target } from '../engine/target/target.js';
import { SwarmMeter } from './meter.js';
import { regionSplit } from './split.js';

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
  /**
   * Controller instances (default 1): the robots are split into this many regions of their start positions
   * (regionSplit), each commanded by its own controller node (`owned_robots`) on the same bus, exchanging only what
   * they would over ROS (by default each instance's robots' poses on swarm_poses_topic: pose_exchange auto).
   */
  readonly shards?: number;
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
  /** The first controller instance (the only one without shards). */
  readonly controller: CoverageControllerNode;
  /** Every controller instance, in the order of their regions (instances restarted since included). */
  readonly controllers: CoverageControllerNode[];
  /** The robots each instance commands. */
  readonly owned: readonly (readonly string[])[];
  /**
   * Starts instance k again on its parameters (after `controllers[k].crash()`, a killed process): a new node of the
   * same name, which rejoins from the poses it receives.
   */
  restart(k: number): CoverageControllerNode;
  /** The controller's node handle (parameters can be set through it, as `ros2 param set` would). */
  readonly controllerNode: NodeHandle;
  readonly target: Target;
  readonly initial: Float64Array;
  readonly scenario: Scenario;
  /** A new session from the same start (robots at their initial positions, time 0), with `controller` parameters laid over this one's. */
  readonly fresh: (controller?: ParamValues) => StandaloneSession;
}

/** Builds a standalone session from a scenario (nothing runs until the clock is advanced). */
export function createStandalone(o: Pick<StandaloneOptions, 'scenario' | 'scenarioPath' | 'drive' | 'controller' | 'simulator' | 'logger' | 'shards'> & { readonly initialYaw?: Float64Array }): StandaloneSession {
  const robots = scenarioRobots(o.scenario);
  const target = scenarioTarget(o.scenario);
  const initial = initialPositions(o.scenario, target);
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const common = { robot_count: robots.count, robot_prefix: 'robot_' };
  // /tf only when the controller reads its poses there (pose_type tf): it is one more message of the whole swarm a tick.
  const simNode = bus.createNode('swarm_simulator', { logger: o.logger('swarm_simulator'), parameters: { ...common, drive: o.drive, rate: 50, publish_tf: o.controller?.pose_type === 'tf', ...o.simulator } });
  const sim = new SwarmSimulatorNode(simNode, { initial, initialYaw: o.initialYaw, domain: o.scenario.domain });
  const shards = o.shards ?? 1;
  if (!(Number.isInteger(shards) && shards >= 1 && shards <= robots.count)) throw new Error(`shards must be an integer from 1 to the number of robots (${robots.count}), got ${shards}`);
  const names = Array.from({ length: robots.count }, (_, i) => `robot_${i}`);
  const owned = shards === 1 ? [[]] : regionSplit(initial, shards).map((part) => part.map((i) => names[i]));
  const nodeName = (k: number): string => (shards === 1 ? 'blob_coverage_controller' : `blob_coverage_controller_${k}`);
  const parameters = (k: number): ParamValues => ({
    ...common,
    drive: o.drive,
    target_file: o.scenarioPath,
    ...scenarioControllerParameters(o.scenario),
    ...o.controller,
    ...(shards > 1 ? { owned_robots: owned[k] } : {}),
  });
  const handles = owned.map((_, k) => bus.createNode(nodeName(k), { logger: o.logger(nodeName(k)), parameters: parameters(k) }));
  const controllers = handles.map((h) => new CoverageControllerNode(h, o.scenarioPath));
  const restart = (k: number): CoverageControllerNode => {
    const handle = bus.createNode(nodeName(k), { logger: o.logger(nodeName(k)), parameters: parameters(k) });
    controllers[k] = new CoverageControllerNode(handle, o.scenarioPath);
    return controllers[k];
  };
  const fresh = (more: ParamValues = {}): StandaloneSession => createStandalone({ ...o, controller: { ...o.controller, ...more } });
  return { clock, bus, sim, controller: controllers[0], controllers, owned: shards === 1 ? [names] : owned, restart, controllerNode: handles[0], target, initial, scenario: o.scenario, fresh };
}

/** Runs the controller against the simulator on one in-process bus for the scenario's duration. */
export function runStandalone(o: StandaloneOptions): StandaloneResult {
  const robots = scenarioRobots(o.scenario);
  const { clock, bus, sim, controllers, target, initial } = createStandalone(o);
  const meter = new SwarmMeter(target, robots.count, o.scenario.metrics.mmdBandwidth);
  const duration = o.duration ?? o.scenario.sim.duration;
  const history: StandaloneSample[] = [];
  let maxCommand = 0;
  let ticks = 0;
  // The last tick's commands of every instance (each fills its own robots), and the live count of the first.
  let last: TickResult | undefined;
  const commands = new Float64Array(robots.count);
  controllers.forEach((controller, k) => {
    const mine = controller.controller.owned;
    controller.onTick = (r) => {
      if (k === 0) {
        ticks++;
        last = r;
      }
      r.commands.forEach((c, i) => {
        if (!mine[i]) return;
        commands[i] = Math.hypot(c.vx, c.vy);
        maxCommand = Math.max(maxCommand, commands[i]);
      });
    };
  });
  const sample = (t: number): StandaloneSample => {
    const p = sim.positions();
    let maxNow = 0;
    let sum = 0;
    for (const v of commands) {
      maxNow = Math.max(maxNow, v);
      sum += v;
    }
    const s = { t, ...meter.read(p), live: last?.live ?? 0, saturated: last?.saturated ?? 0, maxCommand: maxNow, meanCommand: last ? sum / commands.length : 0, ...(o.recordPositions ? { positions: Float64Array.from(p) } : {}) };
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
  for (const controller of controllers) controller.stop();
  bus.flush();
  sim.destroy();
  const v = controllers[0].parameters;
  const robotRadius = v.robot_radius as number;
  return { target, initial, final: sim.positions(), history, ticks, maxCommand, robotRadius, separationLimit: separationLimit(v) };
}

/** The separation the controller's safety layer keeps with parameters `v` (2 robot_radius + safety_clearance), m; undefined when safety is off. */
export function separationLimit(v: ParamValues): number | undefined {
  return v.safety ? 2 * (v.robot_radius as number) + (v.safety_clearance as number) : undefined;
}
