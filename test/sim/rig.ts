/** A simulator node on an in-process bus with a second node playing the controller, for the simulator tests. */
import { VirtualClock } from '../../src/node/clock.js';
import { InProcessBus } from '../../src/node/inprocess.js';
import type { Logger } from '../../src/node/interface.js';
import type { MSG, Twist } from '../../src/node/messages.js';
import type { ParamValues } from '../../src/params/schema.js';
import { SwarmSimulatorNode } from '../../src/sim/simulator-node.js';
import type { SimulatorOptions } from '../../src/sim/simulator-node.js';

/** The pieces of a test rig. */
export interface Rig {
  clock: VirtualClock;
  bus: InProcessBus;
  sim: SwarmSimulatorNode;
  /** The simulator's own node handle (for `ros2 param set`-like changes). */
  handle: ReturnType<InProcessBus['createNode']>;
  warnings: { message: string; fields?: Record<string, unknown> }[];
  /** A second node playing the controller. */
  driver: ReturnType<InProcessBus['createNode']>;
}

/** A logger that drops everything. */
export const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** A simulator with `parameters` (robot i at (2i, 0) unless `options.initial` says otherwise), and a driver node. */
export function rig(parameters: ParamValues, options: Partial<SimulatorOptions> = {}): Rig {
  const clock = new VirtualClock();
  const bus = new InProcessBus(clock);
  const warnings: Rig['warnings'] = [];
  const logger: Logger = { ...quiet, warn: (message, fields) => warnings.push({ message, fields }) };
  const count = (parameters.robot_count as number | undefined) ?? 10;
  const initial = options.initial ?? new Float64Array(Array.from({ length: 2 * count }, (_, j) => (j % 2 === 0 ? j : 0)));
  const node = bus.createNode('swarm_sim', { logger, parameters });
  const sim = new SwarmSimulatorNode(node, { ...options, initial });
  const driver = bus.createNode('driver', { logger: quiet });
  return { clock, bus, sim, handle: node, warnings, driver };
}

/** Every message the driver receives on `topic`, in arrival order. */
export function collect<M>(r: Rig, type: typeof MSG.Odometry | typeof MSG.PoseStamped, topic: string): M[] {
  const got: M[] = [];
  r.driver.createSubscription(type, topic, 'sensor', (m) => got.push(m as M));
  return got;
}

/** A Twist from its three planar components. */
export const twist = (vx: number, vy = 0, wz = 0): Twist => ({ linear: { x: vx, y: vy, z: 0 }, angular: { x: 0, y: 0, z: wz } });
